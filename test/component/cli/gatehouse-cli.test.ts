import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TOKEN_CACHE_MS } from '../../../src/scim/token-service';
import { openSqliteStore } from '../../../src/store/sqlite/index';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';

const BIN = path.resolve(__dirname, '../../../bin/gatehouse.js');

function gatehouse(args: string[], env: Record<string, string>, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

describe('The gatehouse CLI, spawned as a real process while the server runs on the same DATA_DIR', () => {
  let dataDir: string;
  let server: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-'));
    env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    server = await startTestServer({ DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('When the operator creates a team with --password-stdin --json, then the owner can log in over HTTP and get a SCIM token made by the CLI', async () => {
    const created = await gatehouse(['team', 'create', '--name', 'Acme', '--owner-email', 'ada@acme.test', '--password-stdin', '--json'], env, 'ada-password-1\n');
    // The store is named on stderr (stdout stays one JSON document), and this first team is flagged as such.
    expect(created.stderr).toContain(`Store: SQLite ${path.join(dataDir, 'gatehouse.db')} (DATA_DIR=${dataDir})`);
    expect(created.stderr).toContain('This is the first team in this store');
    expect(created.code).toBe(0);
    const out = JSON.parse(created.stdout);
    expect(out).toEqual({ team: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Acme', scim_profile: 'strict' }, owner: { id: expect.any(String), email: 'ada@acme.test', role: 'owner' } });

    const login = await call(server.url, 'POST', '/login?persist=false', { json: { email: 'ada@acme.test', password: 'ada-password-1' } });
    expect(login.status).toBe(200);

    const admin = await gatehouse(['admin', 'add', '--team', out.team.id, '--email', 'bob@acme.test', '--role', 'admin', '--json'], { ...env, GATEHOUSE_PASSWORD: 'bob-password-1' });
    expect(admin.code).toBe(0);
    expect(JSON.parse(admin.stdout).user).toMatchObject({ email: 'bob@acme.test', role: 'admin', team: out.team.id });

    const token = await gatehouse(['token', 'create', '--team', out.team.id, '--description', 'Entra ID', '--json'], env);
    expect(token.code).toBe(0);
    const tokenOut = JSON.parse(token.stdout);
    expect(tokenOut).toMatchObject({ token: expect.stringMatching(/^gscim_/), info: { team: out.team.id, description: 'Entra ID', idp: null } });

    const listed = await call(server.url, 'GET', '/scim/auth-tokens', { token: login.body.access_token });
    expect(listed.body.tokens.map((t: { id: string }) => t.id)).toEqual([tokenOut.info.id]);

    const list = await gatehouse(['token', 'list', '--team', out.team.id, '--json'], env);
    expect(JSON.parse(list.stdout).tokens).toHaveLength(1);
    expect(list.stdout).not.toContain(tokenOut.token);

    // The server has verified (and cached) the token before another process deletes it.
    expect((await call(server.url, 'GET', '/scim/v2/Users', { token: tokenOut.token })).status).toBe(200);
    const del = await gatehouse(['token', 'delete', '--team', out.team.id, '--id', tokenOut.info.id, '--json'], env);
    expect(del.code).toBe(0);
    const deletedAt = Date.now();
    expect((await call(server.url, 'GET', '/scim/auth-tokens', { token: login.body.access_token })).body.tokens).toEqual([]);
    // Revocation from another process reaches the server within TOKEN_CACHE_MS.
    let status = 200;
    while (status === 200 && Date.now() - deletedAt < TOKEN_CACHE_MS + 1500) {
      status = (await call(server.url, 'GET', '/scim/v2/Users', { token: tokenOut.token })).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(401);
  });

  test('When input is wrong, then the CLI says so on stderr with a non-zero exit', async () => {
    const noPassword = await gatehouse(['team', 'create', '--name', 'X', '--owner-email', 'x@x.test'], env);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toMatch(/password is required/);
    const dup = await gatehouse(['team', 'create', '--name', 'Dup', '--owner-email', 'ada@acme.test', '--password', 'another-pass'], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    const badTeam = await gatehouse(['token', 'list', '--team', '00000000-0000-0000-0000-000000000000'], env);
    expect(badTeam.code).toBe(1);
    expect(badTeam.stderr).toMatch(/No team/);
    const unknown = await gatehouse(['frobnicate'], env);
    expect(unknown.code).toBe(2);
  });

  test('When the operator backs up the store while the server runs, then the copy opens with the same teams', async () => {
    const target = path.join(dataDir, 'backup.db');
    const backup = await gatehouse(['backup', '--to', target, '--json'], env);
    expect(backup.stderr).toBe(`Store: SQLite ${path.join(dataDir, 'gatehouse.db')} (DATA_DIR=${dataDir})\n`);
    expect(backup.code).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ file: target, pages: expect.any(Number) });
    const copy = openSqliteStore(target);
    try {
      expect((await copy.teams.list()).map((t) => t.name)).toContain('Acme');
    } finally {
      await copy.close();
    }
    const again = await gatehouse(['backup', '--to', target], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  test('When the operator asks for --help, then every command is described', async () => {
    const help = await gatehouse(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/team/);
    expect(help.stdout).toMatch(/token/);
    const sub = await gatehouse(['token', 'create', '--help'], env);
    expect(sub.stdout).toMatch(/--description/);
  });
});
