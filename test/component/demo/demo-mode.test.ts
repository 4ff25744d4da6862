import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { demoReady, spawnDemo } from '../../support/demo-process';

const ROOT = path.resolve(__dirname, '../../..');

/** `npm start` exactly as an operator runs it, on PORT=0; resolves with its URL and a stop function. */
async function npmStart(env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env };
  delete childEnv.GATEHOUSE_DEMO;
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (!(url = /serving at (http:\/\/\S+)/.exec(out)?.[1])) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

describe('Demo mode stays a demo', () => {
  jest.setTimeout(120_000);
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-demo-mode-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('When an operator runs `npm start`, then /demo-idp/ is not there (404) and no page carries the demo banner', async () => {
    const data = path.join(dir, 'start');
    const server = await npmStart({ DATA_DIR: data, CERTS_DIR: path.join(data, 'certs') });
    try {
      for (const [method, p] of [['GET', '/demo-idp/'], ['GET', '/demo-idp/metadata'], ['GET', '/demo-idp/sso?SAMLRequest=x'], ['POST', '/demo-idp/sso'], ['POST', '/demo-idp/respond']] as const) {
        const res = await fetch(`${server.url}${p}`, { method, redirect: 'manual' });
        expect({ method, p, status: res.status }).toEqual({ method, p, status: 404 });
      }
      const login = await (await fetch(`${server.url}/login`)).text();
      expect(login).toContain('Login code');
      expect(login).not.toContain('demo-banner');
      expect(existsSync(path.join(data, 'demo-idp'))).toBe(false);
    } finally {
      await server.stop();
    }
  });

  test.each([
    ['an https PUBLIC_URL on a real host', { PUBLIC_URL: 'https://sso.acme.example' }, /PUBLIC_URL https:\/\/sso\.acme\.example looks like a production address/],
    ['MONGODB_URI', { MONGODB_URI: 'mongodb://db.acme.example:27017/gatehouse' }, /MONGODB_URI is set/],
  ])('When `npm run demo` is started with %s, then it refuses with a message, exits non-zero and wipes nothing', async (_what, env, message) => {
    // A folder an earlier demo made: the demo would wipe it, so it must still be intact after the refusal.
    const data = path.join(dir, `refused-${Object.keys(env)[0]}`);
    mkdirSync(data, { recursive: true });
    writeFileSync(path.join(data, '.gatehouse-demo'), '');
    writeFileSync(path.join(data, 'keep.txt'), 'still here');
    const run = spawnDemo({ DEMO_DATA_DIR: data, ...env });
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(message);
    expect(run.stderr()).toContain('Demo mode (GATEHOUSE_DEMO) refuses to start');
    expect(readFileSync(path.join(data, 'keep.txt'), 'utf8')).toBe('still here');
  });

  test('When GATEHOUSE_DEMO=1 is set by hand on `npm start` with a production PUBLIC_URL, then the server refuses too (exit 2)', async () => {
    const child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, GATEHOUSE_DEMO: '1', PUBLIC_URL: 'https://gatehouse.acme.example', PORT: '0', DATA_DIR: path.join(dir, 'manual'), CERTS_DIR: path.join(dir, 'manual-certs') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(err).toContain('Demo mode (GATEHOUSE_DEMO) refuses to start');
  });

  test('When the demo folder holds files it did not make, then `npm run demo` refuses to wipe them (exit 1) and says how to proceed', async () => {
    const data = path.join(dir, 'someones-data');
    mkdirSync(data, { recursive: true });
    writeFileSync(path.join(data, 'gatehouse.db'), 'real data');
    const run = spawnDemo({ DEMO_DATA_DIR: data });
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain('was not made by `npm run demo`');
    expect(readFileSync(path.join(data, 'gatehouse.db'), 'utf8')).toBe('real data');
  });

  test('When `npm run demo` is run again on its own folder, then it starts from fresh data (the earlier team is gone)', async () => {
    const data = path.join(dir, 'again');
    for (let i = 0; i < 2; i++) {
      const run = spawnDemo({ DEMO_DATA_DIR: data });
      try {
        const out = await demoReady(run);
        const login = await fetch(`${out.url}/login?persist=false`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: out.ownerEmail, password: out.ownerPassword }) });
        const { access_token } = (await login.json()) as { access_token: string };
        const team = (await (await fetch(`${out.url}/identity-providers`, { headers: { authorization: `Bearer ${access_token}` } })).json()) as { providers: unknown[] };
        expect(team.providers).toHaveLength(1);
      } finally {
        await run.stop();
      }
    }
  });

  test('When demo mode is configured for a loopback address, then https and http are both accepted; without GATEHOUSE_DEMO production settings are untouched', () => {
    expect(loadConfig({ GATEHOUSE_DEMO: '1', PUBLIC_URL: 'https://localhost:8443' }).demo).toBe(true);
    expect(loadConfig({ GATEHOUSE_DEMO: '1', PUBLIC_URL: 'https://127.0.0.1:8443' }).demo).toBe(true);
    expect(loadConfig({ GATEHOUSE_DEMO: '1', PUBLIC_URL: 'https://[::1]:8443' }).demo).toBe(true);
    expect(() => loadConfig({ GATEHOUSE_DEMO: '1', PUBLIC_URL: 'https://localhost.acme.example' })).toThrow(/refuses to start/);
    const production = loadConfig({ PUBLIC_URL: 'https://sso.acme.example', MONGODB_URI: 'mongodb://db/gatehouse' });
    expect(production.demo).toBe(false);
  });
});
