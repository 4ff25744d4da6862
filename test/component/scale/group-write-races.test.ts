/**
 * Two real Gatehouse processes on one SQLite file: member adds to one group race between them (and
 * within each, while a write waits for its commit). Without If-Match none may be lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { call } from '../../support/http';
import { runCli, sharedStoreEnv, sharedStoreName, startProcess, type GatehouseProcess } from './processes';

const SCIM = { 'content-type': 'application/scim+json' };
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe(`Group writes racing on two processes over ${sharedStoreName}`, () => {
  let dir: string;
  let a: GatehouseProcess;
  let b: GatehouseProcess;
  let token: string;
  let userIds: string[];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-group-race-'));
    const env = { ...sharedStoreEnv(dir), PUBLIC_URL: 'http://gatehouse.test' };
    const created = await runCli(['team', 'create', '--init', '--name', 'Acme', '--owner-email', 'ada@acme.test', '--password-stdin', '--json'], env, 'ada-password-1\n');
    if (created.code !== 0) throw new Error(created.stderr);
    const teamId = JSON.parse(created.stdout).team.id as string;
    const minted = await runCli(['token', 'create', '--team', teamId, '--description', 'race test', '--json'], env);
    if (minted.code !== 0) throw new Error(minted.stderr);
    token = JSON.parse(minted.stdout).token;
    a = await startProcess(env);
    b = await startProcess(env);
    userIds = [];
    for (let i = 0; i < 24; i++) {
      const user = await call(a.url, 'POST', '/scim/v2/Users', { token, headers: SCIM, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `member.${i}`, externalId: `member.${i}@acme.test`, displayName: `Member ${i}` } });
      if (user.status !== 201) throw new Error(user.text);
      userIds.push(user.body.id);
    }
  }, 90_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  async function newGroup(name: string): Promise<string> {
    const group = await call(a.url, 'POST', '/scim/v2/Groups', { token, headers: SCIM, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: name } });
    expect(group.status).toBe(201);
    return group.body.id;
  }
  const patchAdd = (p: GatehouseProcess, groupId: string, userId: string, headers: Record<string, string> = {}) =>
    call(p.url, 'PATCH', `/scim/v2/Groups/${groupId}`, { token, headers: { ...SCIM, ...headers }, json: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }] } });

  test('When an IdP sends 24 member adds to each of three groups without If-Match, to both processes at once, then every add succeeds and every member is there on both', async () => {
    const groupIds = [await newGroup('Engineering'), await newGroup('Support'), await newGroup('Design')];
    // Interleaved so both processes write to every group at the same moments.
    const adds = userIds.flatMap((userId, i) => groupIds.map((groupId, g) => ({ groupId, userId, via: [a, b][(i + g) % 2]! })));
    const replies = await Promise.all(adds.map(({ groupId, userId, via }) => patchAdd(via, groupId, userId)));
    expect(replies.map((r) => r.status).filter((s) => s !== 200 && s !== 204)).toEqual([]);
    for (const p of [a, b]) {
      for (const groupId of groupIds) {
        const group = await call(p.url, 'GET', `/scim/v2/Groups/${groupId}`, { token });
        expect(group.body.members.map((m: { value: string }) => m.value).sort()).toEqual([...userIds].sort());
      }
    }
  }, 90_000);

  test('When the same adds carry the ETag they read, then the racing losers get 412 and only the winners are members', async () => {
    const groupId = await newGroup('Sales');
    const etag = (await call(a.url, 'GET', `/scim/v2/Groups/${groupId}`, { token })).headers.get('etag')!;
    const replies = await Promise.all(userIds.slice(0, 6).map((id, i) => patchAdd([a, b][i % 2]!, groupId, id, { 'if-match': etag })));
    const won = replies.filter((r) => r.status === 200 || r.status === 204).length;
    expect(won).toBe(1);
    expect(replies.filter((r) => r.status === 412)).toHaveLength(5);
    const group = await call(b.url, 'GET', `/scim/v2/Groups/${groupId}`, { token });
    expect(group.body.members ?? []).toHaveLength(1);
  }, 60_000);
});
