/**
 * The processes a benchmark measures run apart from autocannon, so the client does not steal the
 * server's event loop: each child prints nothing, reports `{ url, token }` over IPC and serves
 * until killed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync } from 'node:fs';
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

const ROOT = path.resolve(__dirname, '..');
const BUILD_DIR = path.join(ROOT, '.bench-build');
let built = false;

/**
 * Compiles the bench children and the sources they import with tsc into .bench-build, once per run:
 * the servers are measured as production runs them (compiled JavaScript, as in the Dockerfile),
 * without tsx compiling and keeping source maps in the measured process. BENCH_TSX=1 measures the
 * `npm start` way instead.
 */
function buildChildren(): void {
  if (built || process.env.BENCH_TSX === '1') return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.bench.json')], { stdio: 'inherit' });
  // src/web/pages.ts finds views/ and public/ two levels above its own directory.
  for (const dir of ['views', 'public']) {
    rmSync(path.join(BUILD_DIR, dir), { force: true });
    symlinkSync(path.join(ROOT, dir), path.join(BUILD_DIR, dir));
  }
  built = true;
}

/** The node flags of `npm start` (and the Dockerfile's CMD): Gatehouse is measured as it is run. */
function startScriptFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((arg) => arg.startsWith('--'));
}

export async function startChild(name: string, file: string, env: Record<string, string>, extraFlags: string[] = []): Promise<BenchTarget> {
  buildChildren();
  // The floor is a plain node process, as a bare Express app would be run.
  const nodeFlags = [...(name === 'gatehouse' ? startScriptFlags() : []), ...extraFlags];
  const tsx = process.env.BENCH_TSX === '1';
  const entry = tsx ? path.join(__dirname, file) : path.join(BUILD_DIR, 'bench', file.replace(/\.ts$/, '.js'));
  const child = fork(entry, [], {
    execArgv: tsx ? [...nodeFlags, '--require', 'tsx/cjs'] : nodeFlags,
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
