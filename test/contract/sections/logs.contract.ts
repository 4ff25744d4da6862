import type { AuditActor, AuditEntry, NewAuditEntry, ProvisioningLogEntry, Team } from '../../../src/store/port';
import { newTeam } from '../../support/store-fixtures';
import type { GetStore } from '../store.contract';

const admin: AuditActor = { type: 'user', id: 'admin-1', name: 'Ada' };
const bridge: AuditActor = { type: 'scim-token', id: 'token-1', name: 'LDAP bridge' };

export function auditLogContract(store: GetStore): void {
  let team: Team;
  let entries: AuditEntry[];

  beforeAll(async () => {
    team = newTeam();
    await store().teams.create(team);
    const at = (minute: number) => `2024-06-01T10:0${minute}:00.000Z`;
    const input: NewAuditEntry[] = [
      { teamId: team.id, at: at(1), actor: admin, action: 'token.created', targetType: 'scim-token', targetId: 't1', details: { name: 'Entra' } },
      { teamId: team.id, at: at(2), actor: bridge, action: 'user.created', targetType: 'user', targetId: 'u1', details: { 'urn:x:2.0:User': { 'a.b': 1 } } },
      { teamId: team.id, at: at(3), actor: bridge, action: 'user.updated', targetType: 'user', targetId: 'u1', details: {} },
      { teamId: team.id, at: at(3), actor: bridge, action: 'user.updated', targetType: 'user', targetId: 'u2', details: {} },
      { teamId: team.id, at: at(4), actor: admin, action: 'token.deleted', targetType: 'scim-token', targetId: 't1', details: {} },
    ];
    entries = [];
    for (const e of input) entries.push(await store().audit.append(e));
    await store().audit.append({ teamId: null, actor: { type: 'operator', id: null, name: 'cli' }, action: 'team.created', targetType: 'team', targetId: team.id, details: {} });
  });

  const ids = (list: AuditEntry[]) => list.map((e) => e.id);

  test('When an entry is appended, then it gets an id and keeps what was given', async () => {
    expect(entries[1]).toMatchObject({ teamId: team.id, at: '2024-06-01T10:02:00.000Z', actor: bridge, action: 'user.created', details: { 'urn:x:2.0:User': { 'a.b': 1 } } });
    expect(new Set(ids(entries)).size).toBe(5);
    const stamped = await store().audit.append({ teamId: newTeam().id, actor: admin, action: 'x', targetType: null, targetId: null, details: {} });
    expect(Date.parse(stamped.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  test('When the log is listed, then entries come newest first, equal times included, with stored details', async () => {
    const listed = await store().audit.list({ teamId: team.id, limit: 10 });
    expect(listed.map((e) => e.at)).toEqual(['2024-06-01T10:04:00.000Z', '2024-06-01T10:03:00.000Z', '2024-06-01T10:03:00.000Z', '2024-06-01T10:02:00.000Z', '2024-06-01T10:01:00.000Z']);
    expect(ids(listed)).toEqual(ids([entries[4]!, entries[3]!, entries[2]!, entries[1]!, entries[0]!]));
    expect(listed[3]).toEqual(entries[1]);
  });

  test('When paging with before, then every entry appears exactly once', async () => {
    const seen: AuditEntry[] = [];
    let before: { at: string; id: string } | undefined;
    for (;;) {
      const page = await store().audit.list({ teamId: team.id, limit: 2, before });
      if (page.length === 0) break;
      seen.push(...page);
      const last = page[page.length - 1]!;
      before = { at: last.at, id: last.id };
    }
    expect(ids(seen)).toEqual(ids(await store().audit.list({ teamId: team.id, limit: 10 })));
  });

  test('When filtered by actor, action or time range, then only matching entries come back', async () => {
    expect(ids(await store().audit.list({ teamId: team.id, actorId: 'admin-1', limit: 10 }))).toEqual(ids([entries[4]!, entries[0]!]));
    expect(ids(await store().audit.list({ teamId: team.id, action: 'user.updated', limit: 10 }))).toEqual(ids([entries[3]!, entries[2]!]));
    const range = await store().audit.list({ teamId: team.id, since: '2024-06-01T10:02:00.000Z', until: '2024-06-01T10:03:00.000Z', limit: 10 });
    expect(ids(range)).toEqual(ids([entries[3]!, entries[2]!, entries[1]!]));
    expect(await store().audit.list({ teamId: team.id, limit: 1 })).toHaveLength(1);
  });
}

export function provisioningLogContract(store: GetStore): void {
  const entry = (teamId: string, second: number): Omit<ProvisioningLogEntry, 'id'> => ({
    teamId,
    at: `2024-07-01T00:00:0${second}.000Z`,
    tokenId: 'token-1',
    method: 'PATCH',
    path: `/scim/v2/Users/${second}`,
    status: second % 2 ? 200 : 409,
    scimType: second % 2 ? null : 'uniqueness',
    detail: second % 2 ? null : 'userName is taken',
    durationMs: 12.5,
  });

  test('When requests are logged, then the newest come first up to the limit', async () => {
    const team = newTeam();
    for (let second = 1; second <= 5; second++) await store().provisioningLog.append(entry(team.id, second));
    const listed = await store().provisioningLog.list(team.id, 3);
    expect(listed.map((e) => e.path)).toEqual(['/scim/v2/Users/5', '/scim/v2/Users/4', '/scim/v2/Users/3']);
    expect(listed[1]).toEqual({ id: expect.any(String), ...entry(team.id, 4) });
  });

  test('When a batch of requests is logged at once, then every entry is stored with its own id', async () => {
    const team = newTeam();
    const other = newTeam();
    await store().provisioningLog.appendMany([entry(team.id, 1), entry(other.id, 2), entry(team.id, 3)]);
    await store().provisioningLog.appendMany([]);
    const listed = await store().provisioningLog.list(team.id, 10);
    expect(listed.map((e) => e.path)).toEqual(['/scim/v2/Users/3', '/scim/v2/Users/1']);
    expect(new Set(listed.map((e) => e.id)).size).toBe(2);
    expect(await store().provisioningLog.list(other.id, 10)).toEqual([{ id: expect.any(String), ...entry(other.id, 2) }]);
  });

  test('When the log is pruned, then only the newest entries of that team remain', async () => {
    const team = newTeam();
    const other = newTeam();
    for (let second = 1; second <= 5; second++) {
      await store().provisioningLog.append(entry(team.id, second));
      await store().provisioningLog.append(entry(other.id, second));
    }
    await store().provisioningLog.prune(team.id, 2);
    expect((await store().provisioningLog.list(team.id, 10)).map((e) => e.path)).toEqual(['/scim/v2/Users/5', '/scim/v2/Users/4']);
    expect(await store().provisioningLog.list(other.id, 10)).toHaveLength(5);
    await store().provisioningLog.prune(team.id, 10);
    expect(await store().provisioningLog.list(team.id, 10)).toHaveLength(2);
  });
}
