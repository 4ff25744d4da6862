/**
 * Filter parity without a server: every filter of the SCIM filter corpus (filter-corpus.ts) compiled
 * by both adapters — the SQL run on a real SQLite store, the MongoDB query document (users) or
 * aggregation pipeline (groups) evaluated by mingo over the very documents the MongoDB adapter would
 * store for the same people — must select the same ids in the same order. So the adapter that cannot
 * run here is held to the one that does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Aggregator, Query } from 'mingo';
import { parseFilter } from '../../src/scim/filter';
import { foldCase } from '../../src/store/case-fold';
import { checkGroupFilter } from '../../src/store/group-attributes';
import { compileUserFilterToMongo, compileUserSortToMongo, SORT_KEY, sortKeyExpression } from '../../src/store/mongo/filter-mongo';
import { GROUP_MEMBERS_COLLECTION, groupFilterStages, groupSort } from '../../src/store/mongo/group-list-pipeline';
import { mutableUserFields } from '../../src/store/mongo/user-docs';
import type { Group, Team, User } from '../../src/store/port';
import type { FilterNode } from '../../src/store/query';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index';
import { newTeam, newUser, uniqueSuffix } from '../support/store-fixtures';
import { CORPUS_GROUPS, corpusPeople, GROUP_FILTERS, GROUP_RESOURCE_TYPE, userFilterCorpus } from './filter-corpus';

type Doc = Record<string, unknown>;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-parity-'));
const s = uniqueSuffix();
let store: SqliteStore;
let team: Team;
const nameById = new Map<string, string>();
const idByName = new Map<string, string>();
const groupIdByKey = new Map<string, string>();
const userDocs: Doc[] = [];
const groupDocs: Doc[] = [];
const memberDocs: Doc[] = [];

/** The document MongoUserRepo writes for this user (shadows, email copies, encoded keys). */
const userDoc = (u: User): Doc => ({ _id: u.id, teamId: u.teamId, ...mutableUserFields(u), version: u.version, createdAt: u.createdAt, updatedAt: u.updatedAt });
const groupDoc = (g: Group): Doc => ({ _id: g.id, teamId: g.teamId, displayName: g.displayName, displayNameLower: foldCase(g.displayName), externalId: g.externalId, roleGranted: g.roleGranted, version: g.version, createdAt: g.createdAt, updatedAt: g.updatedAt });
const named = (ids: string[]) => ids.map((id) => nameById.get(id) ?? `foreign:${id}`);

beforeAll(async () => {
  store = openSqliteStore(path.join(tmp, 'parity.db'));
  team = newTeam();
  const other = newTeam();
  await store.teams.create(team);
  await store.teams.create(other);
  for (const [name, input] of Object.entries(corpusPeople(team.id, s))) {
    const user = await store.users.create(input);
    nameById.set(user.id, name);
    idByName.set(name, user.id);
    userDocs.push(userDoc(user));
  }
  // A look-alike in another team: must never leak into either adapter's results.
  const stranger = await store.users.create(newUser(other.id, { displayName: 'Ada Lovelace', scim: { title: 'Engineer', emails: [{ value: 'Ada@Acme.test' }] } }));
  userDocs.push(userDoc(stranger));
  for (const [i, g] of CORPUS_GROUPS.entries()) {
    const members = g.members.map((name) => idByName.get(name)!);
    const created = await store.groups.create({ id: crypto.randomUUID(), teamId: team.id, displayName: g.displayName, externalId: g.externalId, roleGranted: null, createdAt: `2024-01-01T00:00:0${i}.000Z` }, members);
    groupIdByKey.set(g.key, created.group.id);
    groupDocs.push(groupDoc(created.group));
    members.forEach((userId, position) => memberDocs.push({ _id: `${created.group.id}/${userId}`, groupId: created.group.id, userId, teamId: team.id, joinedAt: created.group.createdAt, position }));
  }
  const foreign = await store.groups.create({ id: crypto.randomUUID(), teamId: other.id, displayName: 'Engineering', externalId: 'ext-eng', roleGranted: null }, [stranger.id]);
  groupDocs.push(groupDoc(foreign.group));
  memberDocs.push({ _id: `${foreign.group.id}/${stranger.id}`, groupId: foreign.group.id, userId: stranger.id, teamId: other.id, joinedAt: foreign.group.createdAt, position: 0 });
  // Joining a group bumps a user's version and lastModified: the documents are the users as stored now.
  const current = await Promise.all(userDocs.map((doc) => store.users.getAnyTeam(String(doc['_id']))));
  userDocs.splice(0, userDocs.length, ...current.map((user) => userDoc(user!)));
});

afterAll(async () => {
  await store.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function sqliteUsers(filter: FilterNode | undefined, sortBy?: string, sortOrder?: 'ascending' | 'descending'): Promise<string[]> {
  const page = await store.users.list(team.id, { filter, sortBy, sortOrder, startIndex: 1, count: 1000 });
  expect(page.total).toBe(page.items.length);
  return named(page.items.map((u) => u.id));
}

function mongoUsers(filter: FilterNode | undefined, sortBy?: string, sortOrder?: 'ascending' | 'descending'): string[] {
  const query = filter ? { $and: [{ teamId: team.id }, compileUserFilterToMongo(filter)] } : { teamId: team.id };
  const sortKey = sortKeyExpression(sortBy);
  const sort = compileUserSortToMongo({ sortBy, sortOrder });
  // The same two shapes MongoUserRepo.list sends: a find, or an aggregation with the computed sort key.
  const docs = sortKey
    ? (new Aggregator([{ $match: query }, { $addFields: { [SORT_KEY]: sortKey } }, { $sort: sort }]).run(userDocs) as Doc[])
    : new Query(query).find<Doc>(userDocs).sort(sort).all();
  return named(docs.map((d) => d._id as string));
}

describe('Users: the MongoDB query document selects what the SQLite WHERE clause selects', () => {
  test.each(userFilterCorpus(s).map(([text, node]) => [text, node] as const))('%s', async (_text, filter) => {
    const expected = await sqliteUsers(filter);
    expect(mongoUsers(filter)).toEqual(expected);
  });
});

describe('Users: sorting orders alike, including multi-valued and missing attributes', () => {
  const sorts = ['userName', 'displayName', 'emails', 'emails.value', 'title', 'phoneNumbers.value', 'phoneNumbers', 'roles', 'name', 'score', 'verified', 'name.familyName', 'meta.created', 'meta.lastModified', 'active', 'externalId', 'nickName', `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`];
  test.each(sorts.flatMap((by) => [[by, 'ascending'], [by, 'descending']] as const))('sortBy=%s %s', async (sortBy, sortOrder) => {
    expect(mongoUsers(undefined, sortBy, sortOrder)).toEqual(await sqliteUsers(undefined, sortBy, sortOrder));
  });
});

describe('Groups: the MongoDB aggregation selects and orders what the SQLite query does', () => {
  const resolve = (text: string) =>
    text.replace(/\{([^}]+)\}/g, (_m, key: string) => {
      if (key.startsWith('group:')) return groupIdByKey.get(key.slice(6))!;
      if (key === 'ada-prefix') return idByName.get('ada')!.slice(0, 6);
      if (key === key.toUpperCase()) return idByName.get(key.toLowerCase())!.toUpperCase();
      return idByName.get(key)!;
    });
  const groupName = new Map<string, string>();
  beforeAll(() => {
    for (const [key, id] of groupIdByKey) groupName.set(id, key);
  });

  async function both(filter: FilterNode | undefined, sortBy?: string, sortOrder?: 'ascending' | 'descending') {
    const page = await store.groups.list(team.id, { filter, sortBy, sortOrder, startIndex: 1, count: 1000 });
    const pipeline = [...groupFilterStages(team.id, filter), { $sort: groupSort({ sortBy, sortOrder }) }];
    const docs = new Aggregator(pipeline, { collectionResolver: (name: string) => (name === GROUP_MEMBERS_COLLECTION ? memberDocs : []) }).run(groupDocs);
    const names = (ids: string[]) => ids.map((id) => groupName.get(id) ?? `foreign:${id}`);
    return { sqlite: names(page.items.map((g) => g.id)), mongo: names(docs.map((d) => d._id as string)) };
  }

  test.each(GROUP_FILTERS)('%s', async (text) => {
    const filter = parseFilter(resolve(text), GROUP_RESOURCE_TYPE);
    checkGroupFilter(filter);
    const { sqlite, mongo } = await both(filter);
    expect(mongo).toEqual(sqlite);
  });

  test.each(['displayName', 'externalId', 'meta.created'].flatMap((by) => [[by, 'ascending'], [by, 'descending']] as const))('sortBy=%s %s', async (sortBy, sortOrder) => {
    const { sqlite, mongo } = await both(undefined, sortBy, sortOrder);
    expect(mongo).toEqual(sqlite);
  });
});
