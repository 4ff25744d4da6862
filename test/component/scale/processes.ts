/** Real Gatehouse processes for scale-out tests: `node bin/server.js`, URL parsed from stdout. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
export const SERVER_BIN = path.join(ROOT, 'bin/server.js');
export const CLI_BIN = path.join(ROOT, 'bin/gatehouse.js');

export interface GatehouseProcess {
  child: ChildProcess;
  /** Where this process listens (not PUBLIC_URL). */
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  stop(): Promise<number | string>;
}

/**
 * The store every process of one test shares: a SQLite DATA_DIR under `dir`, or — when MONGODB_URI is
 * set (`npm run test:mongo`) — a database of its own on that server, so test files never meet.
 * Children inherit MONGODB_URI from this process; the returned value overrides it.
 */
export function sharedStoreEnv(dir: string): Record<string, string> {
  const env: Record<string, string> = { DATA_DIR: path.join(dir, 'data'), CERTS_DIR: path.join(dir, 'certs') };
  const uri = process.env.MONGODB_URI;
  if (uri) {
    const url = new URL(uri);
    url.pathname = `/gatehouse_scale_${randomUUID().slice(0, 8)}`;
    env.MONGODB_URI = url.toString();
  }
  return env;
}

/** "one SQLite file" or "one MongoDB", for test names. */
export const sharedStoreName = process.env.MONGODB_URI ? 'one MongoDB' : 'one SQLite file';

/** Starts `node bin/server.js` on PORT=0 and waits for "Gatehouse is serving at <url>". */
export function startProcess(env: Record<string, string>, timeoutMs = 20_000): Promise<GatehouseProcess> {
  const child = spawn(process.execPath, [SERVER_BIN], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${out}\n${err}`)), timeoutMs);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${out}\n${err}`));
    });
    const onData = () => {
      const url = /serving at (http:\/\/[^\s]+)/.exec(out)?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({
        child,
        url,
        stdout: () => out,
        stderr: () => err,
        exited,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
  });
}

/** Runs `gatehouse <args>` (the operator CLI) to completion. */
export function runCli(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
