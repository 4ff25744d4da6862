import { randomUUID } from 'node:crypto';
import { UniqueConstraintError, UnknownMembersError, VersionConflictError, type GroupAudit, type MemberPlan, type NewGroup, type Team, type User } from '../../../src/store/port';
import { and, cmp, newTeam, newUser, not, pr, where } from '../../support/store-fixtures';
import type { GetStore } from '../store.contract';

function newGroup(teamId: string, overrides: Partial<NewGroup> = {}): NewGroup {
  return { id: randomUUID(), teamId, displayName: `Group ${randomUUID().slice(0, 8)}`, externalId: null, roleGranted: null, ...overrides };
}

const plan = (overrides: Partial<MemberPlan>): MemberPlan => ({ add: [], remove: [], removeAll: false, replace: null, ...overrides });

export function groupsContract(store: GetStore): void {
  let team: Team;
  let otherTeam: Team;
  let users: User[];
  let stranger: User;

  beforeAll(async () => {
    team = newTeam();
    otherTeam = newTeam();
    await store().teams.create(team);
    await store().teams.create(otherTeam);
    users = [];
    for (let i = 0; i < 5; i++) users.push(await store().users.create(newUser(team.id, { displayName: `Member ${i}` })));
    stranger = await store().users.create(newUser(otherTeam.id));
  });

  const ids = (list: User[]) => list.map((u) => u.id);
  const memberIds = async (groupId: string) => (await store().groups.listMembers(team.id, groupId)).map((m) => m.id);

  test('When a group is created with members, then get, listMembers and groupsOfUser agree', async () => {
    const input = newGroup(team.id, { displayName: 'Engineering', externalId: 'ext-eng' });
    const created = await store().groups.create(input, [users[1]!.id, users[0]!.id, users[1]!.id]);
    expect(created.group).toMatchObject({ id: input.id, teamId: team.id, displayName: 'Engineering', externalId: 'ext-eng', roleGranted: null, version: 1 });
    expect(created.added.sort()).toEqual([users[0]!.id, users[1]!.id].sort());
    expect(await store().groups.get(team.id, input.id)).toEqual(created.group);
    expect(await store().groups.get(otherTeam.id, input.id)).toBeNull();
    expect(await store().groups.listMembers(team.id, input.id)).toEqual([
      { id: users[1]!.id, displayName: 'Member 1' },
      { id: users[0]!.id, displayName: 'Member 0' },
    ]);
    expect(await store().groups.groupsOfUser(team.id, users[0]!.id)).toEqual([{ id: input.id, displayName: 'Engineering' }]);
    await store().groups.delete(team.id, input.id);
  });

  test('When a displayName repeats in another case, or an externalId repeats, then the team-scoped unique index refuses it', async () => {
    const first = await store().groups.create(newGroup(team.id, { displayName: 'Sales', externalId: 'ext-sales' }), []);
    await expect(store().groups.create(newGroup(team.id, { displayName: 'SALES' }), [])).rejects.toEqual(new UniqueConstraintError('displayName'));
    await expect(store().groups.create(newGroup(team.id, { externalId: 'ext-sales' }), [])).rejects.toEqual(new UniqueConstraintError('externalId'));
    // Another team may use both.
    await store().groups.create(newGroup(otherTeam.id, { displayName: 'Sales', externalId: 'ext-sales' }), []);
    const other = await store().groups.create(newGroup(team.id), []);
    await expect(store().groups.applyMemberPlan(team.id, other.group.id, plan({ displayName: 'sales' }), null)).rejects.toEqual(new UniqueConstraintError('displayName'));
    await store().groups.delete(team.id, first.group.id);
    await store().groups.delete(team.id, other.group.id);
  });

  test('When members include unknown or other-team ids, then nothing is written and the error names exactly those ids', async () => {
    const ghost = randomUUID();
    await expect(store().groups.create(newGroup(team.id, { displayName: 'Ghosts' }), [users[0]!.id, ghost, stranger.id])).rejects.toEqual(new UnknownMembersError([ghost, stranger.id]));
    expect((await store().groups.list(team.id, { filter: cmp('displayName', 'eq', 'Ghosts'), startIndex: 1, count: 10 })).total).toBe(0);

    const g = await store().groups.create(newGroup(team.id), [users[0]!.id]);
    const error = await store().groups.applyMemberPlan(team.id, g.group.id, plan({ add: [users[1]!.id, ghost], remove: [users[0]!.id], displayName: 'Renamed' }), null).catch((e) => e);
    expect(error).toBeInstanceOf(UnknownMembersError);
    expect((error as UnknownMembersError).ids).toEqual([ghost]);
    expect(await memberIds(g.group.id)).toEqual([users[0]!.id]);
    expect(await store().groups.get(team.id, g.group.id)).toEqual(g.group);
    await store().groups.delete(team.id, g.group.id);
  });

  test('When a plan adds, removes, removes all and replaces, then the rows follow and the version moves once per write', async () => {
    const g = (await store().groups.create(newGroup(team.id), [users[0]!.id])).group;
    const add = await store().groups.applyMemberPlan(team.id, g.id, plan({ add: [users[0]!.id, users[1]!.id, users[2]!.id] }), 1);
    expect(add!.added.sort()).toEqual([users[1]!.id, users[2]!.id].sort());
    expect(add!.group.version).toBe(2);
    expect(await memberIds(g.id)).toEqual(ids(users.slice(0, 3)));

    const remove = await store().groups.applyMemberPlan(team.id, g.id, plan({ remove: [users[1]!.id, users[4]!.id] }), null);
    expect(remove!.removed).toEqual([users[1]!.id]);
    expect(await memberIds(g.id)).toEqual([users[0]!.id, users[2]!.id]);

    const replace = await store().groups.applyMemberPlan(team.id, g.id, plan({ replace: [users[2]!.id, users[3]!.id] }), null);
    expect(replace!.added).toEqual([users[3]!.id]);
    expect(replace!.removed).toEqual([users[0]!.id]);
    expect((await memberIds(g.id)).sort()).toEqual([users[2]!.id, users[3]!.id].sort());

    const clearThenAdd = await store().groups.applyMemberPlan(team.id, g.id, plan({ removeAll: true, add: [users[4]!.id], externalId: 'x-1' }), null);
    expect(clearThenAdd!.group).toMatchObject({ externalId: 'x-1', version: 5 });
    expect(await memberIds(g.id)).toEqual([users[4]!.id]);

    await expect(store().groups.applyMemberPlan(team.id, g.id, plan({ add: [users[0]!.id] }), 2)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await store().groups.applyMemberPlan(otherTeam.id, g.id, plan({}), null)).toBeNull();
    const deleted = await store().groups.delete(team.id, g.id);
    expect(deleted!.removed).toEqual([users[4]!.id]);
    expect(await store().groups.get(team.id, g.id)).toBeNull();
    expect(await store().groups.listMembers(team.id, g.id)).toEqual([]);
    expect(await store().groups.delete(team.id, g.id)).toBeNull();
  });

  test('When a user is deleted, then their memberships go with them', async () => {
    const leaving = await store().users.create(newUser(team.id));
    const g = (await store().groups.create(newGroup(team.id), [leaving.id, users[0]!.id])).group;
    expect(await store().users.delete(team.id, leaving.id)).toBe(true);
    expect(await memberIds(g.id)).toEqual([users[0]!.id]);
    await store().groups.delete(team.id, g.id);
  });

  test('When users join, leave, see their group renamed or deleted, then exactly those users get a new version (their ETag)', async () => {
    const [a, b, c] = [await store().users.create(newUser(team.id)), await store().users.create(newUser(team.id)), await store().users.create(newUser(team.id))];
    const version = async (u: User) => (await store().users.get(team.id, u.id))!.version;
    const g = (await store().groups.create(newGroup(team.id, { displayName: 'Touched' }), [a.id])).group;
    expect([await version(a), await version(b), await version(c)]).toEqual([2, 1, 1]);
    await store().groups.applyMemberPlan(team.id, g.id, plan({ add: [b.id] }), null);
    expect([await version(a), await version(b), await version(c)]).toEqual([2, 2, 1]);
    await store().groups.applyMemberPlan(team.id, g.id, plan({ remove: [a.id] }), null);
    expect([await version(a), await version(b), await version(c)]).toEqual([3, 2, 1]);
    // Only the external id changes: no member's representation changes.
    await store().groups.applyMemberPlan(team.id, g.id, plan({ externalId: 'ext-touched' }), null);
    expect([await version(a), await version(b), await version(c)]).toEqual([3, 2, 1]);
    // Renamed (and c joins in the same write): every member after the write, once each.
    await store().groups.applyMemberPlan(team.id, g.id, plan({ displayName: 'Touched too', add: [c.id] }), null);
    expect([await version(a), await version(b), await version(c)]).toEqual([3, 3, 2]);
    await store().groups.delete(team.id, g.id);
    expect([await version(a), await version(b), await version(c)]).toEqual([3, 4, 3]);
    // Another team's users are never touched.
    expect((await store().users.get(otherTeam.id, stranger.id))!.version).toBe(1);
  });

  describe('list', () => {
    // A team of its own, so the groups of the tests above do not show up in these lists.
    let listTeam: Team;
    let listUsers: User[];
    let alpha: string;
    let beta: string;
    let gamma: string;
    beforeAll(async () => {
      const t = newTeam();
      await store().teams.create(t);
      listTeam = t;
      listUsers = [];
      for (let i = 0; i < 3; i++) listUsers.push(await store().users.create(newUser(t.id, { displayName: `U${i}` })));
      alpha = (await store().groups.create(newGroup(t.id, { displayName: 'Alpha', externalId: 'a', createdAt: '2024-01-01T00:00:00.000Z' }), [listUsers[0]!.id, listUsers[1]!.id])).group.id;
      beta = (await store().groups.create(newGroup(t.id, { displayName: 'beta', createdAt: '2024-01-02T00:00:00.000Z' }), [listUsers[1]!.id])).group.id;
      gamma = (await store().groups.create(newGroup(t.id, { displayName: 'Gamma', externalId: 'g', createdAt: '2024-01-03T00:00:00.000Z' }), [])).group.id;
    });
    const list = async (filter?: Parameters<typeof and>[0], extra: object = {}) =>
      (await store().groups.list(listTeam.id, { ...(filter ? { filter } : {}), startIndex: 1, count: 50, ...extra })).items.map((g) => g.id);

    test('When filtering by displayName (any case), externalId and id, then the matching groups come back', async () => {
      expect(await list(cmp('displayName', 'eq', 'ALPHA'))).toEqual([alpha]);
      expect(await list(cmp('displayName', 'sw', 'B'))).toEqual([beta]);
      expect(await list(cmp('externalId', 'eq', 'g', true))).toEqual([gamma]);
      expect(await list(cmp('externalId', 'eq', 'G', true))).toEqual([]);
      expect(await list(cmp('id', 'eq', beta, true))).toEqual([beta]);
      expect(await list(pr('externalId'))).toEqual([alpha, gamma]);
      expect(await list(not(pr('externalId')))).toEqual([beta]);
    });

    test('When filtering by member (members[value eq], members.value eq, members pr, ne), then membership rows decide', async () => {
      expect(await list(where('members', cmp('value', 'eq', listUsers[1]!.id, true)))).toEqual([alpha, beta]);
      expect(await list(cmp('members.value', 'eq', listUsers[0]!.id, true))).toEqual([alpha]);
      expect(await list(and(cmp('members.value', 'eq', listUsers[1]!.id, true), cmp('displayName', 'eq', 'beta')))).toEqual([beta]);
      expect(await list(pr('members'))).toEqual([alpha, beta]);
      expect(await list(cmp('members.value', 'ne', listUsers[0]!.id, true))).toEqual([beta, gamma]);
      expect(await list(where('members', cmp('value', 'eq', stranger.id, true)))).toEqual([]);
    });

    test('When sorting and paging, then order is stable and total counts every match', async () => {
      expect(await list(undefined, { sortBy: 'displayName' })).toEqual([alpha, beta, gamma]);
      expect(await list(undefined, { sortBy: 'displayName', sortOrder: 'descending' })).toEqual([gamma, beta, alpha]);
      expect(await list(undefined, { sortBy: 'meta.created', sortOrder: 'descending' })).toEqual([gamma, beta, alpha]);
      const page = await store().groups.list(listTeam.id, { startIndex: 2, count: 1 });
      expect(page).toMatchObject({ total: 3, items: [{ id: beta }] });
      const members = await store().groups.listMembersOfGroups(listTeam.id, [alpha, beta, gamma]);
      expect(members.get(alpha)!.map((m) => m.id)).toEqual([listUsers[0]!.id, listUsers[1]!.id]);
      expect(members.get(gamma)).toEqual([]);
    });
  });

  describe('group-managed roles', () => {
    let t: Team;
    let owner: User;
    let admin: User;
    let member: User;
    let admins: string;
    let members: string;
    beforeAll(async () => {
      t = newTeam();
      await store().teams.create(t);
      owner = await store().users.create(newUser(t.id, { role: 'owner' }));
      admin = await store().users.create(newUser(t.id, { role: 'admin' }));
      member = await store().users.create(newUser(t.id, { role: 'member' }));
    });
    const roleOf = async (u: User) => (await store().users.get(t.id, u.id))!.role;

    test('When a role group exists before the switch, then nothing changes roles', async () => {
      const g = await store().groups.create(newGroup(t.id, { displayName: 'Early Admins', roleGranted: 'admin' }), [member.id]);
      expect(g.roleChanges).toEqual([]);
      expect(await roleOf(member)).toBe('member');
      await store().groups.delete(t.id, g.group.id);
    });

    test('When group-managed roles are turned on, then role groups exist and current admins keep their role through the admin group', async () => {
      const result = await store().groups.enableGroupManagedRoles(t.id, [
        newGroup(t.id, { displayName: 'Gatehouse Admins', roleGranted: 'admin' }),
        newGroup(t.id, { displayName: 'Gatehouse Members', roleGranted: 'member' }),
      ]);
      expect(result.groups.map((g) => [g.displayName, g.roleGranted])).toEqual([['Gatehouse Admins', 'admin'], ['Gatehouse Members', 'member']]);
      expect(result.roleChanges).toEqual([]);
      [admins, members] = result.groups.map((g) => g.id) as [string, string];
      expect((await store().teams.get(t.id))!.groupManagedRoles).toBe(true);
      expect((await store().groups.listMembers(t.id, admins)).map((m) => m.id)).toEqual([admin.id]);
      expect((await store().groups.roleGroups(t.id)).map((g) => g.id)).toEqual([admins, members]);
      // Idempotent: a second switch-on reuses the marked groups.
      const again = await store().groups.enableGroupManagedRoles(t.id, [newGroup(t.id, { displayName: 'Gatehouse Admins', roleGranted: 'admin' })]);
      expect(again.groups[0]!.id).toBe(admins);
    });

    test('When users join and leave role groups, then the highest remaining role applies and owners are never changed', async () => {
      const join = await store().groups.applyMemberPlan(t.id, admins, plan({ add: [member.id, owner.id] }), null);
      expect(join!.roleChanges).toEqual([{ userId: member.id, from: 'member', to: 'admin' }]);
      expect(await roleOf(member)).toBe('admin');
      await store().groups.applyMemberPlan(t.id, members, plan({ add: [member.id, owner.id] }), null);
      expect(await roleOf(member)).toBe('admin');
      const leave = await store().groups.applyMemberPlan(t.id, admins, plan({ remove: [member.id, owner.id, admin.id] }), null);
      expect(leave!.roleChanges.sort((a, b) => a.userId.localeCompare(b.userId))).toEqual(
        [
          { userId: member.id, from: 'admin', to: 'member' },
          { userId: admin.id, from: 'admin', to: 'member' },
        ].sort((a, b) => a.userId.localeCompare(b.userId)),
      );
      expect(await roleOf(owner)).toBe('owner');
      expect(await roleOf(admin)).toBe('member');
    });

    test('When a role group is deleted, then its members fall back to the roles other groups grant', async () => {
      const extra = await store().groups.create(newGroup(t.id, { displayName: 'Second Admins', roleGranted: 'admin' }), [admin.id]);
      expect(extra.roleChanges).toEqual([{ userId: admin.id, from: 'member', to: 'admin' }]);
      const deleted = await store().groups.delete(t.id, extra.group.id);
      expect(deleted!.roleChanges).toEqual([{ userId: admin.id, from: 'admin', to: 'member' }]);
    });
  });

  describe('audit entries committed with the group write', () => {
    const entries = (action: string): GroupAudit => (result) => [
      { teamId: result.group.teamId, actor: { type: 'scim-token', id: 'token-1', name: 'Entra' }, action, targetType: 'group', targetId: result.group.id, details: { added: result.added.length, removed: result.removed.length } },
    ];
    const actionsFor = async (teamId: string, targetId: string) =>
      (await store().audit.list({ teamId, limit: 50 })).filter((e) => e.targetId === targetId).map((e) => e.action).sort();

    test('When a create, a membership change and a delete carry audit entries, then each is stored with what the write did', async () => {
      const input = newGroup(team.id);
      await store().groups.create(input, [users[0]!.id], entries('group.created'));
      await store().groups.applyMemberPlan(team.id, input.id, plan({ add: [users[1]!.id], remove: [users[0]!.id] }), null, entries('group.members.changed'));
      await store().groups.delete(team.id, input.id, entries('group.deleted'));
      expect(await actionsFor(team.id, input.id)).toEqual(['group.created', 'group.deleted', 'group.members.changed']);
      const [changed] = (await store().audit.list({ teamId: team.id, limit: 50, action: 'group.members.changed' })).filter((e) => e.targetId === input.id);
      expect(changed).toMatchObject({ targetType: 'group', details: { added: 1, removed: 1 } });
    });

    test('When a group write fails (unknown member, taken name, stale version, gone), then none of its audit entries is stored', async () => {
      const ghost = newGroup(team.id);
      await expect(store().groups.create(ghost, [randomUUID()], entries('group.created'))).rejects.toBeInstanceOf(UnknownMembersError);
      expect(await actionsFor(team.id, ghost.id)).toEqual([]);

      const taken = await store().groups.create(newGroup(team.id), []);
      const clash = newGroup(team.id, { displayName: taken.group.displayName.toUpperCase() });
      await expect(store().groups.create(clash, [], entries('group.created'))).rejects.toBeInstanceOf(UniqueConstraintError);
      expect(await actionsFor(team.id, clash.id)).toEqual([]);

      await expect(store().groups.applyMemberPlan(team.id, taken.group.id, plan({ add: [users[0]!.id] }), taken.group.version + 5, entries('group.members.changed'))).rejects.toBeInstanceOf(VersionConflictError);
      expect(await store().groups.delete(otherTeam.id, taken.group.id, entries('group.deleted'))).toBeNull();
      expect(await actionsFor(team.id, taken.group.id)).toEqual([]);
      expect(await actionsFor(otherTeam.id, taken.group.id)).toEqual([]);
      expect(await store().groups.listMembers(team.id, taken.group.id)).toEqual([]);
      await store().groups.delete(team.id, taken.group.id);
    });
  });

  describe('members page', () => {
    test('When a group has more members than a page, then each page holds the next members in join order with handle, role and status, and the total is the whole count', async () => {
      const input = newGroup(team.id);
      const joined = [users[3]!, users[0]!, users[4]!, users[1]!, users[2]!];
      await store().groups.create(input, ids(joined));
      const page1 = await store().groups.listMembersPage(team.id, input.id, 1, 2);
      const page3 = await store().groups.listMembersPage(team.id, input.id, 5, 2);
      expect(page1.total).toBe(5);
      expect(page1.items).toEqual(joined.slice(0, 2).map((u) => ({ id: u.id, displayName: u.displayName, handle: u.handle, role: u.role, status: u.status })));
      expect(page3.items.map((m) => m.id)).toEqual([joined[4]!.id]);
      expect(await store().groups.listMembersPage(team.id, input.id, 7, 2)).toEqual({ total: 5, items: [] });
      expect(await store().groups.listMembersPage(otherTeam.id, input.id, 1, 10)).toEqual({ total: 0, items: [] });
      await store().groups.delete(team.id, input.id);
    });
  });
}
