/**
 * `gatehouse migrate`: the embedded store copied into another store through the transfer port.
 * MongoDB cannot run on these machines, so the target here is a second SQLite file (`--to sqlite:…`):
 * the command, paging, snapshot, upserts, progress and verification are the same code; only the
 * writer differs (src/store/migrate/mongo.ts, not run here).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redactUri } from '../../../src/cli/migrate-command';
import { openSqliteStore } from '../../../src/store/sqlite/index';
import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { connectedIdp, signInThrough } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';

const BIN = path.resolve(__dirname, '../../../bin/gatehouse.js');

function gatehouse(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('gatehouse migrate (SQLite → SQLite target; the MongoDB target is not run here)', () => {
  let dir: string;
  let source: TestServer;
  let acme: TestTeam;
  let scimToken: string;
  let idpId: string;
  let salesId: string;
  let env: Record<string, string>;
  const targetDir = () => path.join(dir, 'target');
  const targetFile = () => path.join(targetDir(), 'gatehouse.db');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-migrate-'));
    env = { DATA_DIR: path.join(dir, 'source'), CERTS_DIR: path.join(dir, 'certs') };
    source = await startTestServer(env);
    acme = await createTeam(source, 'Acme');
    await createTeam(source, 'Globex');
    scimToken = await createScimToken(source, acme, 'Entra ID');
    // A SCIM-provisioned user with emails (the SQLite adapter keeps a searchable copy of them).
    const jane = await call(source.url, 'POST', '/scim/v2/Users', {
      token: scimToken,
      json: { userName: 'jane.doe', externalId: 'jane@acme.test', displayName: 'Jane Doe', emails: [{ value: 'Jane@Acme.test', type: 'work', primary: true }] },
    });
    expect(jane.status).toBe(201);
    // The owner is a password account outside the directory: the group's second member is another SCIM user.
    const joe = await call(source.url, 'POST', '/scim/v2/Users', { token: scimToken, json: { userName: 'joe.bloggs', externalId: 'joe@acme.test', displayName: 'Joe Bloggs' } });
    expect(joe.status).toBe(201);
    const sales = await call(source.url, 'POST', '/scim/v2/Groups', {
      token: scimToken,
      json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Sales', members: [{ value: jane.body.id }, { value: joe.body.id }] },
    });
    expect(sales.status).toBe(201);
    salesId = sales.body.id;
    // A second team connects an IdP and a person signs in just in time (no SCIM token there).
    const initech = await createTeam(source, 'Initech');
    const idp = TestIdp.create({ entityId: 'https://idp.initech.test/metadata' });
    idpId = await connectedIdp(source, initech, idp);
    const signedIn = await signInThrough(source, idp, initech.teamId, idpId, { nameId: 'milton@initech.test', attributes: { displayName: 'Milton' } });
    expect(signedIn.status).toBe(303);
  }, 60_000);

  afterAll(async () => {
    await source.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('When the operator migrates while the server runs, then every record is copied and verified, with progress on stderr', async () => {
    const run = await gatehouse(['migrate', '--to', `sqlite:${targetFile()}`, '--json', '--batch-size', '2'], env);
    expect(run.stderr).toContain(`migrating sqlite:${path.join(env.DATA_DIR!, 'gatehouse.db')} → sqlite:${targetFile()}`);
    expect(run.stderr).toMatch(/users\s+\[#+\] 6\/6/);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.ok).toBe(true);
    const byKind = Object.fromEntries(result.kinds.map((k: { kind: string }) => [k.kind, k]));
    expect(byKind.teams).toEqual({ kind: 'teams', source: 3, copied: 3, verified: 3, target: 3 });
    expect(byKind.users).toEqual({ kind: 'users', source: 6, copied: 6, verified: 6, target: 6 }); // 3 owners, Jane, Joe, Milton
    expect(byKind.scimTokens).toMatchObject({ source: 1, verified: 1, target: 1 });
    expect(byKind.identityProviders).toMatchObject({ source: 1, verified: 1, target: 1 });
    expect(byKind.groups).toEqual({ kind: 'groups', source: 1, copied: 1, verified: 1, target: 1 });
    expect(byKind.memberships).toEqual({ kind: 'memberships', source: 2, copied: 2, verified: 2, target: 2 });
    // Invitations (004_invitations) are copied like the rest: Jane, provisioned with an email, got one.
    expect(byKind.invitations).toMatchObject({ kind: 'invitations' });
    expect(byKind.invitations.source).toBeGreaterThan(0);
    expect(byKind.invitations.verified).toBe(byKind.invitations.source);
    expect(byKind.audit.source).toBeGreaterThan(3);
    expect(byKind.audit.verified).toBe(byKind.audit.source);
    // The SP key pairs (signing + encryption) and the CSRF key travel too, still sealed.
    expect(byKind.spKeys).toEqual({ kind: 'spKeys', source: 2, copied: 2, verified: 2, target: 2 });
    expect(byKind.instanceSecrets).toEqual({ kind: 'instanceSecrets', source: 1, copied: 1, verified: 1, target: 1 });
  });

  test('When a server runs on the copy, then owners sign in with their passwords, the SCIM token hash still matches and the IdP keeps its id', async () => {
    const copy = await startTestServer({ DATA_DIR: targetDir(), CERTS_DIR: env.CERTS_DIR! });
    try {
      const login = await call(copy.url, 'POST', '/login?persist=false', { json: { email: acme.email, password: acme.password } });
      expect(login.status).toBe(200);
      const tokens = await call(copy.url, 'GET', '/scim/auth-tokens', { token: login.body.access_token });
      expect(tokens.body.tokens).toEqual([expect.objectContaining({ description: 'Entra ID' })]);
      expect(await copy.services.store.scimTokens.findBySecretHash(require('node:crypto').createHash('sha256').update(scimToken).digest('hex'))).not.toBeNull();
      const idp = await copy.services.store.idps.getAnyTeam(idpId);
      expect(idp).toEqual(await source.services.store.idps.getAnyTeam(idpId));
      // The SCIM token works on the copy, and email filters find Jane (her searchable emails were rebuilt).
      const byEmail = await call(copy.url, 'GET', `/scim/v2/Users?filter=${encodeURIComponent('emails.value eq "jane@acme.test"')}`, { token: scimToken });
      expect(byEmail.status).toBe(200);
      expect(byEmail.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['jane.doe']);
      // The group answers the same on the copy, members in the same order.
      const [groupOnSource, groupOnCopy] = await Promise.all([source, copy].map((s) => call(s.url, 'GET', `/scim/v2/Groups/${salesId}`, { token: scimToken })));
      expect(groupOnCopy.status).toBe(200);
      expect(groupOnCopy.body.members.map((m: { value: string }) => m.value)).toEqual(groupOnSource.body.members.map((m: { value: string }) => m.value));
      expect(groupOnCopy.body.meta.version).toBe(groupOnSource.body.meta.version);
      const milton = await copy.services.store.users.findByHandle('milton');
      expect(milton).toEqual(await source.services.store.users.findByHandle('milton'));
      // Same keys in the copy: the SP metadata an IdP imported is unchanged, without any CERTS_DIR file.
      const metadataPath = `/sso/metadata/${acme.teamId}`;
      expect((await call(copy.url, 'GET', metadataPath)).text.replaceAll(copy.url, '')).toBe((await call(source.url, 'GET', metadataPath)).text.replaceAll(source.url, ''));
      const audit = await copy.services.store.audit.list({ teamId: acme.teamId, limit: 100 });
      expect(audit).toEqual(await source.services.store.audit.list({ teamId: acme.teamId, limit: 100 }));
    } finally {
      await copy.close();
    }
  });

  test('When the migration runs again after more writes, then it is idempotent: nothing is duplicated and the new records arrive', async () => {
    await createTeam(source, 'Hooli');
    const run = await gatehouse(['migrate', '--to', `sqlite:${targetFile()}`, '--json'], env);
    expect(run.code).toBe(0);
    const byKind = Object.fromEntries(JSON.parse(run.stdout).kinds.map((k: { kind: string }) => [k.kind, k]));
    expect(byKind.teams).toEqual({ kind: 'teams', source: 4, copied: 4, verified: 4, target: 4 });
    expect(byKind.users).toMatchObject({ source: 7, target: 7 });
    const store = openSqliteStore(targetFile());
    try {
      expect((await store.teams.list()).map((t) => t.name).sort()).toEqual(['Acme', 'Globex', 'Hooli', 'Initech']);
    } finally {
      await store.close();
    }
  });

  test('When the target is wrong, then the command says so with exit code 2', async () => {
    const bad = await gatehouse(['migrate', '--to', 'postgres://x'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--to must be a MongoDB connection string/);
    const self = await gatehouse(['migrate', '--to', `sqlite:${path.join(env.DATA_DIR!, 'gatehouse.db')}`], env);
    expect(self.code).toBe(2);
    const empty = await gatehouse(['migrate', '--to', `sqlite:${targetFile()}`], { DATA_DIR: path.join(dir, 'nothing-here') });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no embedded store/);
  });

  test('When a connection string carries a password, then it is never printed', () => {
    expect(redactUri('mongodb://gatehouse:s3cret@db1:27017,db2/gh?replicaSet=rs0')).toBe('mongodb://gatehouse:***@db1:27017,db2/gh?replicaSet=rs0');
    expect(redactUri('mongodb+srv://u:p%40ss@cluster0.example.net/gh')).toBe('mongodb+srv://u:***@cluster0.example.net/gh');
    expect(redactUri('mongodb://db1/gh')).toBe('mongodb://db1/gh');
  });
});
