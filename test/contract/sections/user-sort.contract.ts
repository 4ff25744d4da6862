import type { Team, User, UserQuery } from '../../../src/store/port';
import { cmp, newTeam, newUser, uniqueSuffix } from '../../support/store-fixtures';
import type { GetStore } from '../store.contract';

/** Seven people; several share a creation time so only the id tie-break keeps paging stable. */
const PEOPLE = [
  { key: 'delta', displayName: 'delta', familyName: 'Dunn', email: 'D@x.test', second: 1 },
  { key: 'alpha', displayName: 'Alpha', familyName: 'Abbot', email: 'a@x.test', second: 2 },
  { key: 'charlie', displayName: 'charlie', familyName: 'Cole', email: 'c@x.test', second: 2 },
  { key: 'bravo', displayName: 'Bravo', familyName: 'Bell', email: 'b@x.test', second: 2 },
  { key: 'echo', displayName: 'Echo', familyName: 'Eads', email: 'e@x.test', second: 2 },
  { key: 'golf', displayName: 'golf', familyName: 'Gale', email: 'G@x.test', second: 3 },
  { key: 'foxtrot', displayName: 'Foxtrot', familyName: 'Fox', email: 'f@x.test', second: 3 },
];

export function userSortContract(store: GetStore): void {
  const s = uniqueSuffix();
  let team: Team;
  const keyById = new Map<string, string>();

  beforeAll(async () => {
    team = newTeam();
    await store().teams.create(team);
    for (const [index, p] of PEOPLE.entries()) {
      const user = newUser(team.id, {
        handle: `${p.key}.${s}`,
        displayName: p.displayName,
        createdAt: `2024-03-01T00:00:0${p.second}.000Z`,
        scim: { name: { familyName: p.familyName }, title: 'Same', // The first email sorts in reverse order: only the primary one gives alphabetical order.
        emails: [{ value: `${9 - index}@other.test` }, { value: `${p.key}-${p.email}`, primary: true }] },
      });
      await store().users.create(user);
      keyById.set(user.id, p.key);
    }
  });

  const keys = (users: User[]) => users.map((u) => keyById.get(u.id));

  /** Reads the whole list page by page. */
  async function allPages(query: Omit<UserQuery, 'startIndex' | 'count'>, pageSize: number): Promise<{ keys: (string | undefined)[]; totals: number[] }> {
    const collected: User[] = [];
    const totals: number[] = [];
    for (let startIndex = 1; startIndex <= PEOPLE.length; startIndex += pageSize) {
      const page = await store().users.list(team.id, { ...query, startIndex, count: pageSize });
      collected.push(...page.items);
      totals.push(page.total);
    }
    return { keys: keys(collected), totals };
  }

  test('When no sortBy is given, then users come in creation order and pages neither repeat nor skip anyone', async () => {
    const whole = await store().users.list(team.id, { startIndex: 1, count: 100 });
    expect(whole.total).toBe(7);
    const created = whole.items.map((u) => u.createdAt);
    expect(created).toEqual([...created].sort());
    const paged = await allPages({}, 3);
    expect(paged.keys).toEqual(keys(whole.items));
    expect(paged.totals).toEqual([7, 7, 7]);
  });

  test('When sorting by userName, then ascending and descending pages are mirror images', async () => {
    const ascending = await allPages({ sortBy: 'userName', sortOrder: 'ascending' }, 2);
    expect(ascending.keys).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf']);
    const descending = await allPages({ sortBy: 'userName', sortOrder: 'descending' }, 2);
    expect(descending.keys).toEqual([...ascending.keys].reverse());
  });

  test('When sorting by displayName, then case is ignored', async () => {
    const sorted = await store().users.list(team.id, { sortBy: 'displayName', startIndex: 1, count: 100 });
    expect(keys(sorted.items)).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf']);
  });

  test('When sorting by a JSON sub-attribute or by emails (the primary one), then that value orders the list', async () => {
    const byFamily = await store().users.list(team.id, { sortBy: 'name.familyName', sortOrder: 'descending', startIndex: 1, count: 100 });
    expect(keys(byFamily.items)).toEqual(['golf', 'foxtrot', 'echo', 'delta', 'charlie', 'bravo', 'alpha']);
    const byEmail = await store().users.list(team.id, { sortBy: 'emails', startIndex: 1, count: 100 });
    expect(keys(byEmail.items)).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf']);
  });

  test('When every sort value is equal, then paging is still stable (created, then id)', async () => {
    const first = await allPages({ sortBy: 'title' }, 2);
    const again = await allPages({ sortBy: 'title' }, 3);
    expect(new Set(first.keys).size).toBe(7);
    expect(again.keys).toEqual(first.keys);
  });

  test('When sorting by meta.created descending, then newest come first', async () => {
    const sorted = await store().users.list(team.id, { sortBy: 'meta.created', sortOrder: 'descending', startIndex: 1, count: 100 });
    expect(keys(sorted.items).slice(0, 2).sort()).toEqual(['foxtrot', 'golf']);
    expect(keys(sorted.items)[6]).toBe('delta');
  });

  test('When a filter and paging combine, then total counts every match and items only the page', async () => {
    const page = await store().users.list(team.id, { filter: cmp('meta.created', 'eq', '2024-03-01T00:00:02Z'), sortBy: 'userName', startIndex: 2, count: 2 });
    expect(page.total).toBe(4);
    expect(keys(page.items)).toEqual(['bravo', 'charlie']);
  });

  test('When startIndex is past the end or count is 0, then items are empty and total is still right', async () => {
    expect(await store().users.list(team.id, { startIndex: 50, count: 10 })).toEqual({ total: 7, items: [] });
    expect(await store().users.list(team.id, { startIndex: 1, count: 0 })).toEqual({ total: 7, items: [] });
    expect((await store().users.list(team.id, { startIndex: 0, count: 1 })).items).toHaveLength(1);
    expect(await store().users.list(team.id, { startIndex: -3, count: -1 })).toEqual({ total: 7, items: [] });
  });
}
