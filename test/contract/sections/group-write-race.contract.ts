/**
 * Lost version races on groups, forced: the store is wrapped so that concurrent GroupService writes
 * all read the group before any of them writes — what an asynchronous store (MongoDB) or a second
 * instance does at random. The adapter underneath is the real one.
 */
import { randomUUID } from 'node:crypto';
import { GROUP_WRITE_ATTEMPTS, GroupService } from '../../../src/scim/group-service';
import { ScimError } from '../../../src/scim/errors';
import type { AuditActor, GroupRepo, Store, Team, User } from '../../../src/store/port';
import { newTeam, newUser } from '../../support/store-fixtures';
import type { GetStore } from '../store.contract';

const actor: AuditActor = { type: 'scim-token', id: 'race-test', name: 'race test' };
const addMember = (userId: string) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }] });

/** The store with `groups` swapped for `groups(real)`; everything else is the real store. */
function withGroups(store: Store, groups: (real: GroupRepo) => GroupRepo): Store {
  return Object.assign(Object.create(Object.getPrototypeOf(store)), store, { groups: groups(store.groups) }) as Store;
}

/** The first `readers` calls of groups.get wait for each other: every writer reads the same version. */
function readersMeet(readers: number) {
  let waiting: Array<() => void> = [];
  let left = readers;
  return (real: GroupRepo): GroupRepo =>
    Object.assign(Object.create(real), {
      get: async (teamId: string, id: string) => {
        const group = await real.get(teamId, id);
        if (left > 0) {
          left--;
          await new Promise<void>((resolve) => {
            waiting.push(resolve);
            if (left === 0) (waiting.forEach((r) => r()), (waiting = []));
          });
        }
        return group;
      },
    });
}

export function groupWriteRaceContract(store: GetStore): void {
  let team: Team;
  let users: User[];

  beforeAll(async () => {
    team = newTeam();
    await store().teams.create(team);
    users = [];
    for (let i = 0; i < 4; i++) users.push(await store().users.create(newUser(team.id)));
  });

  const newGroup = async () => (await store().groups.create({ id: randomUUID(), teamId: team.id, displayName: `Race ${randomUUID().slice(0, 8)}`, externalId: null, roleGranted: null }, [])).group;
  const memberIds = async (groupId: string) => (await store().groups.listMembers(team.id, groupId)).map((m) => m.id).sort();

  test('When four member adds without If-Match all read the same version, then every add lands (the losers retry)', async () => {
    const group = await newGroup();
    const service = new GroupService(withGroups(store(), readersMeet(4)));
    const results = await Promise.allSettled(users.map((u) => service.patch(team.id, group.id, addMember(u.id), undefined, actor)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await memberIds(group.id)).toEqual(users.map((u) => u.id).sort());
    expect((await store().groups.get(team.id, group.id))!.version).toBe(5);
  });

  test('When two PUTs without If-Match read the same version, then both apply in turn (the last one wins, nothing is lost or half-applied)', async () => {
    const group = await newGroup();
    const service = new GroupService(withGroups(store(), readersMeet(2)));
    const put = (name: string, members: User[]) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: name, members: members.map((u) => ({ value: u.id })) });
    const results = await Promise.allSettled([
      service.replace(team.id, group.id, put(`${group.displayName} A`, users.slice(0, 2)), undefined, actor),
      service.replace(team.id, group.id, put(`${group.displayName} B`, users.slice(2, 4)), undefined, actor),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    const stored = (await store().groups.get(team.id, group.id))!;
    expect(stored.version).toBe(3);
    // Whichever PUT went last is the whole group: its name with its members.
    const last = stored.displayName.endsWith(' A') ? users.slice(0, 2) : users.slice(2, 4);
    expect(await memberIds(group.id)).toEqual(last.map((u) => u.id).sort());
  });

  test('When two member adds with If-Match read the same version, then one lands and the other is a 412, not retried', async () => {
    const group = await newGroup();
    const service = new GroupService(withGroups(store(), readersMeet(2)));
    const etag = `W/"${group.version}"`;
    const results = await Promise.allSettled(users.slice(0, 2).map((u) => service.patch(team.id, group.id, addMember(u.id), etag, actor)));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(ScimError);
    expect(rejected[0]!.reason.status).toBe(412);
    expect(await memberIds(group.id)).toHaveLength(1);
  });

  test('When another writer lands before every try, then the write gives up with a 412 after the bounded number of tries and adds nothing', async () => {
    const group = await newGroup();
    let tries = 0;
    // Before each of our writes, a real write from "another instance" bumps the version.
    const interloper = (real: GroupRepo): GroupRepo =>
      Object.assign(Object.create(real), {
        applyMemberPlan: async (...args: Parameters<GroupRepo['applyMemberPlan']>) => {
          tries++;
          await real.applyMemberPlan(team.id, group.id, { add: [], remove: [], removeAll: false, replace: null, externalId: `bump-${tries}` }, null);
          return real.applyMemberPlan(...args);
        },
      });
    const service = new GroupService(withGroups(store(), interloper));
    await expect(service.patch(team.id, group.id, addMember(users[0]!.id), undefined, actor)).rejects.toMatchObject({ status: 412, detail: expect.stringMatching(/kept changing .*10 tries.*read it again/) });
    expect(tries).toBe(GROUP_WRITE_ATTEMPTS);
    expect(await memberIds(group.id)).toEqual([]);
  });
}
