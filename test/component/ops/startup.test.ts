/**
 * The first minutes with a checkout: what `npm start` prints and how it stops, PORT=0, and .env.example
 * loaded the two documented ways. Real processes (npm, sh, node), no in-process server.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { loadConfig } from '../../../src/config';
import { startupHint } from '../../../src/main';
import { call } from '../../support/http';

const ROOT = path.resolve(__dirname, '../../..');
const SERVER = path.join(ROOT, 'bin/server.js');

interface Started {
  child: ChildProcess;
  stdout: () => string;
  url: string;
  exited: Promise<number | string>;
}

/** Spawns a command that starts the server; resolves once it prints "serving at <url>". */
function startWith(command: string, args: string[], options: { cwd: string; env: Record<string, string> }): Promise<Started> {
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, LOG_LEVEL: 'warn', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "serving at" within 40 s:\n${out}\n${err}`)), 40_000);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before serving:\n${out}\n${err}`));
    });
    const onData = () => {
      const url = /serving at (http:\/\/\S+)/.exec(out)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({ child, stdout: () => out, url, exited });
    };
    child.stdout!.on('data', onData);
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function childrenOf(pid: number): Promise<number[]> {
  return new Promise((resolve) => execFile('pgrep', ['-P', String(pid)], (_e, stdout) => resolve(stdout.split('\n').filter(Boolean).map(Number))));
}

describe('Starting Gatehouse', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-start-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('When npm start runs with PORT=0 on an empty store, then it prints the bound port, the store and a first-team command that works as printed; SIGTERM to npm stops the node process', async () => {
    const dataDir = path.join(dir, 'npm-data');
    const started = await startWith('npm', ['start'], { cwd: ROOT, env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, CERTS_DIR: path.join(dir, 'certs') } });
    const out = started.stdout();
    const port = new URL(started.url).port;
    expect(port).not.toBe('0');
    expect(out).toContain(`(public URL http://localhost:${port})`);
    expect(out).toContain(`Store: SQLite ${path.join(dataDir, 'gatehouse.db')} (DATA_DIR=${dataDir})`);
    const hint = /^ {2}(DATA_DIR=\S+ npx --no-install gatehouse team create .*)$/m.exec(out)?.[1];
    expect(hint).toBeDefined();

    // The printed command, pasted into a shell whose own DATA_DIR points elsewhere, still creates the
    // team in the server's store (the DATA_DIR it names wins), and the owner can sign in.
    const created = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const sh = spawn('sh', ['-c', hint!], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', DATA_DIR: path.join(dir, 'not-the-server') }, stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      sh.stderr.on('data', (d) => (stderr += d));
      sh.on('close', (code) => resolve({ code, stderr }));
      sh.stdin.end('first-owner-pw-1\n');
    });
    expect(created.stderr).toContain(`Store: SQLite ${path.join(dataDir, 'gatehouse.db')}`);
    expect(created.code).toBe(0);
    expect((await call(started.url, 'POST', '/login', { json: { email: 'you@example.com', password: 'first-owner-pw-1' } })).status).toBe(200);

    // npm runs the script through `sh -c "exec node …"`: node is npm's child, and stops with it.
    const [node] = await childrenOf(started.child.pid!);
    expect(node).toBeDefined();
    expect(readFileSync(`/proc/${node}/cmdline`, 'utf8')).toContain('bin/server.js');
    started.child.kill('SIGTERM');
    await started.exited;
    const deadline = Date.now() + 10_000;
    while (alive(node!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive(node!)).toBe(false);
  }, 120_000);

  test('When the server runs on MongoDB, then the hint names the URI with its password masked and says to put it back', () => {
    const config = loadConfig({ MONGODB_URI: 'mongodb://gatehouse:s3cret@db1:27017,db2/gatehouse?replicaSet=rs0' });
    const empty = startupHint(config, 'http://localhost:3000', 0);
    expect(empty).toContain('Store: MongoDB mongodb://gatehouse:***@db1:27017,db2/gatehouse?replicaSet=rs0');
    expect(empty).toContain(`  MONGODB_URI='mongodb://gatehouse:***@db1:27017,db2/gatehouse?replicaSet=rs0' npx --no-install gatehouse team create`);
    expect(empty).toContain('put the password back where *** stands');
    expect(empty).not.toContain('s3cret');
    expect(startupHint(config, 'http://localhost:3000', 2)).toContain('2 team(s). Admins sign in at http://localhost:3000/admin/login');
  });

  describe('.env.example', () => {
    const defaults = loadConfig({});

    test('When .env.example is parsed as an env file or sourced by sh, then it is valid and means the documented defaults', async () => {
      const asEnvFile = parseEnv(readFileSync(path.join(ROOT, '.env.example'), 'utf8')) as Record<string, string>;
      expect(asEnvFile.MAIL_FROM).toBe('Gatehouse <gatehouse@localhost>');
      expect(loadConfig(asEnvFile)).toEqual(defaults);
      const sourced = await new Promise<string>((resolve, reject) =>
        execFile('sh', ['-c', `set -a; . '${path.join(ROOT, '.env.example')}'; set +a; node -e 'process.stdout.write(JSON.stringify(process.env))'`], { cwd: dir, env: { PATH: process.env.PATH! } }, (e, stdout) => (e ? reject(e) : resolve(stdout))),
      );
      const env = JSON.parse(sourced) as Record<string, string>;
      expect(env.MAIL_FROM).toBe('Gatehouse <gatehouse@localhost>');
      expect(loadConfig(env)).toEqual(defaults);
    });

    test.each([
      ['node --env-file', () => ['node', ['--env-file=.env', SERVER]] as const],
      ['set -a; . ./.env', () => ['sh', ['-c', `set -a; . ./.env; set +a; PORT=0; exec node ${SERVER}`]] as const],
    ])('When the server starts from a copy of .env.example loaded with %s, then it serves', async (_how, command) => {
      const cwd = mkdtempSync(path.join(dir, 'env-'));
      copyFileSync(path.join(ROOT, '.env.example'), path.join(cwd, '.env'));
      const [bin, args] = command();
      // Only the port is substituted (3000 may be taken); node --env-file never overrides the environment.
      const started = await startWith(bin, [...args], { cwd, env: { PORT: '0' } });
      try {
        expect(started.stdout()).toContain(`Store: SQLite ${path.join(cwd, 'data', 'gatehouse.db')}`);
        expect((await call(started.url, 'GET', '/healthz')).status).toBe(200);
      } finally {
        started.child.kill('SIGTERM');
        expect(await started.exited).toBe(0);
      }
    }, 60_000);
  });
});
