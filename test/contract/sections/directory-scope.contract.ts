import { randomUUID } from 'node:crypto';
import { UnknownMembersError, type MemberPlan, type NewGroup, type Team, type User } from '../../../src/store/port';
import { cmp, newTeam, newUser, uniqueSuffix } from '../../support/store-fixtures';
import type { GetStore } from '../store.contract';

const plan = (overrides: Partial<MemberPlan>): MemberPlan => ({ add: [], remove: [], removeAll: false, replace: null, ...overrides });
const newGroup = (teamId: string, overrides: Partial<NewGroup> = {}): NewGroup => ({ id: randomUUID(), teamId, displayName: `Group ${uniqueSuffix()}`, externalId: null, roleGranted: null, ...overrides });

/**
 * The 'directory' scope (issue 14, item 10): SCIM reads and group writes see only users the directory
 * may own — managed_by scim or sso — never a password-only account (managed_by manual).
 */
export function directoryScopeContract(store: GetStore): void {
  let team: Team;
  let owner: User;
  let admin: User;
  let directory: User[];
  beforeAll(async () => {
    team = newTeam();
    await store().teams.create(team);
    const suffix = uniqueSuffix();
    owner = await store().users.create(newUser(team.id, { role: 'owner', managedBy: 'manual', email: `owner.${suffix}@acme.test`, passwordHash: 'x', displayName: 'Alice Owner' }));
    admin = await store().users.create(newUser(team.id, { role: 'admin', managedBy: 'manual', email: `admin.${suffix}@acme.test`, passwordHash: 'x', displayName: 'Adam Admin' }));
    directory = [
      await store().users.create(newUser(team.id, { displayName: 'Aaron Scim', externalId: `a.${suffix}@acme.test` })),
      await store().users.create(newUser(team.id, { displayName: 'Abby Jit', managedBy: 'sso', nameId: `b.${suffix}@acme.test` })),
      await store().users.create(newUser(team.id, { displayName: 'Abe Invited', status: 'pending', email: `c.${suffix}@acme.test`, externalId: `c.${suffix}@acme.test` })),
    ];
  });
  const ids = (users: readonly { id: string }[]) => users.map((u) => u.id).sort();

  test('When a list asks for the directory scope, then password accounts are neither counted nor listed, on every page and with a filter', async () => {
    const all = await store().users.list(team.id, { startIndex: 1, count: 10 });
    expect(all.total).toBe(5);
    const scoped = await store().users.list(team.id, { scope: 'directory', startIndex: 1, count: 10 });
    expect(scoped.total).toBe(3);
    expect(ids(scoped.items)).toEqual(ids(directory));
    // Paging counts only the directory's users: page 2 of 2 holds the third.
    const second = await store().users.list(team.id, { scope: 'directory', startIndex: 3, count: 2, sortBy: 'displayName' });
    expect(second.total).toBe(3);
    expect(second.items.map((u) => u.displayName)).toEqual(['Abe Invited']);
    // A filter that matches everyone by name still leaves the password accounts out.
    const filtered = await store().users.list(team.id, { scope: 'directory', filter: cmp('displayName', 'sw', 'A'), startIndex: 1, count: 10 });
    expect(filtered.total).toBe(3);
    const unfiltered = await store().users.list(team.id, { filter: cmp('displayName', 'sw', 'A'), startIndex: 1, count: 10 });
    expect(unfiltered.total).toBe(5);
  });

  test('When a password account is handed to the directory (managed_by scim), then the directory scope lists it', async () => {
    const t = newTeam();
    await store().teams.create(t);
    const person = await store().users.create(newUser(t.id, { role: 'admin', managedBy: 'manual', email: `h.${uniqueSuffix()}@acme.test`, passwordHash: 'x' }));
    expect((await store().users.list(t.id, { scope: 'directory', startIndex: 1, count: 10 })).total).toBe(0);
    await store().users.update({ ...person, managedBy: 'scim' }, person.version);
    const after = await store().users.list(t.id, { scope: 'directory', startIndex: 1, count: 10 });
    expect(ids(after.items)).toEqual([person.id]);
  });

  test('When a group write names a password account, then it is an unknown member and nothing is written', async () => {
    await expect(store().groups.create(newGroup(team.id), [directory[0]!.id, admin.id])).rejects.toEqual(new UnknownMembersError([admin.id]));
    const group = await store().groups.create(newGroup(team.id), [directory[0]!.id]);
    await expect(store().groups.applyMemberPlan(team.id, group.group.id, plan({ add: [owner.id] }), null)).rejects.toBeInstanceOf(UnknownMembersError);
    await expect(store().groups.applyMemberPlan(team.id, group.group.id, plan({ replace: [owner.id, directory[1]!.id] }), null)).rejects.toBeInstanceOf(UnknownMembersError);
    expect((await store().groups.listMembers(team.id, group.group.id)).map((m) => m.id)).toEqual([directory[0]!.id]);
  });

  describe('a password admin in the admin role group', () => {
    let t: Team;
    let passwordAdmin: User;
    let scimAdmin: User;
    let admins: string;
    beforeAll(async () => {
      t = newTeam();
      await store().teams.create(t);
      passwordAdmin = await store().users.create(newUser(t.id, { role: 'admin', managedBy: 'manual', email: `pa.${uniqueSuffix()}@acme.test`, passwordHash: 'x' }));
      scimAdmin = await store().users.create(newUser(t.id, { role: 'admin' }));
      const enabled = await store().groups.enableGroupManagedRoles(t.id, [newGroup(t.id, { displayName: 'Gatehouse Admins', roleGranted: 'admin' })]);
      admins = enabled.groups[0]!.id;
    });
    const roleOf = async (u: User) => (await store().users.get(t.id, u.id))!.role;

    test('When members are read in the directory scope, then only the directory-owned admin shows; the team scope shows both', async () => {
      expect(ids(await store().groups.listMembers(t.id, admins))).toEqual(ids([passwordAdmin, scimAdmin]));
      expect(ids(await store().groups.listMembers(t.id, admins, 'directory'))).toEqual([scimAdmin.id]);
      expect(ids((await store().groups.listMembersOfGroups(t.id, [admins], 'directory')).get(admins)!)).toEqual([scimAdmin.id]);
      expect(ids((await store().groups.listMembersOfGroups(t.id, [admins])).get(admins)!)).toEqual(ids([passwordAdmin, scimAdmin]));
    });

    test('When a directory sync replaces, removes or clears the admin group, then the password admin stays a member and an admin', async () => {
      const removed = await store().groups.applyMemberPlan(t.id, admins, plan({ remove: [passwordAdmin.id, scimAdmin.id] }), null);
      expect(removed!.removed).toEqual([scimAdmin.id]);
      expect(removed!.roleChanges).toEqual([{ userId: scimAdmin.id, from: 'admin', to: 'member' }]);
      await store().groups.applyMemberPlan(t.id, admins, plan({ add: [scimAdmin.id] }), null);
      const replaced = await store().groups.applyMemberPlan(t.id, admins, plan({ replace: [] }), null);
      expect(replaced!.removed).toEqual([scimAdmin.id]);
      await store().groups.applyMemberPlan(t.id, admins, plan({ removeAll: true }), null);
      expect(ids(await store().groups.listMembers(t.id, admins))).toEqual([passwordAdmin.id]);
      expect(await roleOf(passwordAdmin)).toBe('admin');
      expect(await roleOf(scimAdmin)).toBe('member');
    });

    test('When the admin role group is deleted, then the password admin keeps the admin role', async () => {
      const deleted = await store().groups.delete(t.id, admins);
      expect(deleted!.roleChanges).toEqual([]);
      expect(await roleOf(passwordAdmin)).toBe('admin');
    });
  });
}
