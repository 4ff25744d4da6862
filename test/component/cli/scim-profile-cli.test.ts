import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';

const BIN = path.resolve(__dirname, '../../../bin/gatehouse.js');

function gatehouse(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('gatehouse team create --scim-profile and team set-scim-profile', () => {
  let dataDir: string;
  let server: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-profile-'));
    env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    server = await startTestServer({ DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('When the operator creates a team with --scim-profile directory, then GET /team shows it; set-scim-profile switches it back and is audited', async () => {
    const created = await gatehouse(['team', 'create', '--name', 'Contoso', '--owner-email', 'it@contoso.test', '--password-stdin', '--scim-profile', 'directory', '--json'], env, 'contoso-password-1\n');
    expect(created.code).toBe(0);
    const { team } = JSON.parse(created.stdout) as { team: { id: string; scim_profile: string } };
    expect(team.scim_profile).toBe('directory');
    const login = await call(server.url, 'POST', '/login?persist=false', { json: { email: 'it@contoso.test', password: 'contoso-password-1' } });
    expect((await call(server.url, 'GET', '/team', { token: login.body.access_token })).body.scim_profile).toBe('directory');

    const switched = await gatehouse(['team', 'set-scim-profile', '--team', team.id, '--profile', 'strict'], env);
    expect(switched.code).toBe(0);
    expect(switched.stdout).toContain('now uses the strict SCIM profile');
    expect((await call(server.url, 'GET', '/team', { token: login.body.access_token })).body.scim_profile).toBe('strict');
    const [entry] = await server.services.store.audit.list({ teamId: team.id, action: 'team.settings.changed', limit: 1 });
    expect(entry).toMatchObject({ actor: { type: 'operator' }, details: { scim_profile: { from: 'directory', to: 'strict' } } });
  });

  test('When the profile is misspelt or the team unknown, then the CLI says what to fix and exits non-zero', async () => {
    const badCreate = await gatehouse(['team', 'create', '--name', 'X', '--owner-email', 'x@x.test', '--password-stdin', '--scim-profile', 'loose'], env, 'x-password-123\n');
    expect(badCreate.code).not.toBe(0);
    expect(badCreate.stderr).toContain('"strict" or "directory"');
    const unknown = await gatehouse(['team', 'set-scim-profile', '--team', '00000000-0000-4000-8000-000000000000', '--profile', 'directory'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No team with id');
  });
});
