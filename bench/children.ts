/**
 * The processes a benchmark measures run apart from autocannon, so the client does not steal the
 * server's event loop: each child prints nothing, reports `{ url, token }` over IPC and serves
 * until killed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface BenchTarget {
  name: string;
  url: string;
  token: string;
  process: ChildProcess;
  /** Resident set size of the child now, in MB (Linux /proc). */
  rssMb(): number;
  stop(): Promise<void>;
}

export async function startChild(name: string, file: string, env: Record<string, string>, nodeFlags: string[] = []): Promise<BenchTarget> {
  const child = fork(path.join(__dirname, file), [], {
    execArgv: [...nodeFlags, '--require', 'tsx/cjs'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { url: string; token: string }));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
  });
  return {
    name,
    ...ready,
    process: child,
    rssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
