/** `npm run demo` as an evaluator runs it: a real child process, its printed next steps read from stdout. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface DemoRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  stop(): Promise<number | string>;
}

export interface DemoOutput {
  url: string;
  loginCode: string;
  loginLink: string;
  adminSignIn: string;
  ownerEmail: string;
  ownerPassword: string;
  scimToken: string;
  curl: string;
}

/** Starts `npm run demo` in its own process group (npm → sh → node), so stop() ends all three. */
export function spawnDemo(env: Record<string, string>): DemoRun {
  const child = spawn('npm', ['run', '--silent', 'demo'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      return exited;
    },
  };
}

/** Waits for the printed next steps and reads them the way a person would. */
export async function demoReady(run: DemoRun, timeoutMs = 60_000): Promise<DemoOutput> {
  const deadline = Date.now() + timeoutMs;
  let exitedWith: number | string | null = null;
  void run.exited.then((code) => (exitedWith = code));
  while (!run.stdout().includes('Press Ctrl+C to stop.')) {
    if (exitedWith !== null) throw new Error(`npm run demo exited (${exitedWith}):\n${run.stdout()}\n${run.stderr()}`);
    if (Date.now() > deadline) throw new Error(`npm run demo was not ready in ${timeoutMs} ms:\n${run.stdout()}\n${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const out = run.stdout();
  const grab = (re: RegExp) => {
    const m = re.exec(out)?.[1];
    if (!m) throw new Error(`${re} not in the demo's output:\n${out}`);
    return m;
  };
  return {
    url: grab(/demo is ready at (\S+)/),
    loginCode: grab(/Enterprise login code: (\S+)/),
    loginLink: grab(/Enterprise login link: (\S+)/),
    adminSignIn: grab(/Admin sign-in: (\S+)/),
    ownerEmail: grab(/Owner email: +(\S+)/),
    ownerPassword: grab(/Owner password: +(\S+)/),
    scimToken: grab(/SCIM token \(shown once[^:]*: (\S+)/),
    curl: grab(/^ *(curl .+)$/m),
  };
}
