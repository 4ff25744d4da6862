import type { NewUser, Team } from '../../../src/store/port';
import type { FilterNode } from '../../../src/store/query';
import { ENTERPRISE, WIRE_PROFILE, and, cmp, newTeam, newUser, not, or, pr, uniqueSuffix, where } from '../../support/store-fixtures';
import type { GetStore } from '../store.contract';

const INJECTION_NAME = "x' OR '1'='1";
const INJECTION_EXTERNAL_ID = "Robert'); DROP TABLE users;--";

/** Five people in one team (plus a look-alike in another), each with what a filter should find. */
function people(teamId: string, s: string): Record<string, NewUser> {
  const at = (second: number) => `2024-01-01T00:00:0${second}.000Z`;
  return {
    ada: newUser(teamId, {
      handle: `ada.${s}`,
      displayName: 'Ada Lovelace',
      externalId: 'ada@acme.test',
      createdAt: at(1),
      scim: {
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        title: 'Engineer',
        score: 5,
        verified: true,
        emails: [
          { value: 'Ada@Acme.test', type: 'work', primary: true },
          { value: 'ada@home.test', type: 'home' },
        ],
        phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
        roles: [{ value: 'analyst' }],
        [ENTERPRISE]: { department: 'R&D', employeeNumber: '100', manager: { value: 'mgr-1' } },
        [WIRE_PROFILE]: { richInfo: [{ type: 'Department', value: 'Math' }] },
      },
    }),
    grace: newUser(teamId, {
      handle: `grace.${s}`,
      displayName: 'Grace Hopper',
      externalId: 'grace',
      status: 'suspended',
      createdAt: at(2),
      scim: {
        name: { givenName: 'Grace', familyName: 'Hopper' },
        title: 'Rear Admiral',
        score: 9,
        verified: false,
        emails: [{ value: 'grace@navy.test', type: 'work', primary: true }],
        [ENTERPRISE]: { department: 'Navy', manager: { value: 'mgr-2' } },
      },
    }),
    linus: newUser(teamId, { handle: `linus.${s}`, displayName: 'linus torvalds', externalId: 'linus', createdAt: at(3), scim: {} }),
    bobby: newUser(teamId, {
      handle: `robert.tables.${s}`,
      displayName: INJECTION_NAME,
      externalId: INJECTION_EXTERNAL_ID,
      status: 'pending',
      createdAt: at(4),
      scim: { title: '50%_off', emails: [{ value: 'bobby@acme.test', type: 'WORK' }] },
    }),
    edsger: newUser(teamId, {
      handle: `edsger.${s}`,
      displayName: 'Edsger Dijkstra',
      externalId: 'edsger',
      createdAt: at(5),
      scim: { name: { givenName: 'Edsger' }, title: 'engineer', score: 3, emails: [{ value: 'edsger@acme.test', type: 'work' }] },
    }),
  };
}

export function userFilterContract(store: GetStore): void {
  const s = uniqueSuffix();
  let team: Team;
  const nameById = new Map<string, string>();

  beforeAll(async () => {
    team = newTeam();
    const other = newTeam();
    await store().teams.create(team);
    await store().teams.create(other);
    for (const [name, user] of Object.entries(people(team.id, s))) {
      await store().users.create(user);
      nameById.set(user.id, name);
    }
    // Same title and email in another team: must never leak into this team's results.
    await store().users.create(newUser(other.id, { scim: { title: 'Engineer', emails: [{ value: 'Ada@Acme.test' }] } }));
  });

  /** Names of the matching people, in the store's default order (creation time). */
  async function matching(filter: FilterNode): Promise<string[]> {
    const page = await store().users.list(team.id, { filter, startIndex: 1, count: 100 });
    const names = page.items.map((u) => nameById.get(u.id) ?? `foreign:${u.id}`);
    expect(page.total).toBe(names.length);
    return names;
  }

  describe('operators', () => {
    test('eq on userName ignores case; externalId with caseExact does not', async () => {
      expect(await matching(cmp('userName', 'eq', `ADA.${s}`.toUpperCase()))).toEqual(['ada']);
      expect(await matching(cmp('externalId', 'eq', 'ADA@acme.test', true))).toEqual([]);
      expect(await matching(cmp('externalId', 'eq', 'ada@acme.test', true))).toEqual(['ada']);
      expect(await matching(cmp('displayName', 'eq', 'ada LOVELACE'))).toEqual(['ada']);
    });

    test('eq on id finds exactly that user', async () => {
      const graceId = [...nameById].find(([, name]) => name === 'grace')![0];
      expect(await matching(cmp('id', 'eq', graceId, true))).toEqual(['grace']);
    });

    test('ne excludes equal values (ignoring case) and keeps users without the attribute', async () => {
      expect(await matching(cmp('title', 'ne', 'ENGINEER'))).toEqual(['grace', 'linus', 'bobby']);
    });

    test('co, sw and ew match substrings, prefixes and suffixes', async () => {
      expect(await matching(cmp('displayName', 'co', 'OVE'))).toEqual(['ada']);
      expect(await matching(cmp('displayName', 'co', 'ove', true))).toEqual(['ada']);
      expect(await matching(cmp('displayName', 'co', 'OVE', true))).toEqual([]);
      expect(await matching(cmp('userName', 'sw', 'GR'))).toEqual(['grace']);
      expect(await matching(cmp('name.familyName', 'sw', 'hop'))).toEqual(['grace']);
      expect(await matching(cmp('emails.value', 'ew', '@ACME.test'))).toEqual(['ada', 'bobby', 'edsger']);
      expect(await matching(cmp('displayName', 'ew', 'Dijkstra', true))).toEqual(['edsger']);
    });

    test('gt, ge, lt and le compare timestamps (any ISO spelling) and numbers', async () => {
      expect(await matching(cmp('meta.created', 'gt', '2024-01-01T00:00:03Z'))).toEqual(['bobby', 'edsger']);
      expect(await matching(cmp('meta.created', 'ge', '2024-01-01T00:00:03Z'))).toEqual(['linus', 'bobby', 'edsger']);
      expect(await matching(cmp('meta.created', 'lt', '2024-01-01T00:00:02.000Z'))).toEqual(['ada']);
      expect(await matching(cmp('meta.created', 'le', '2024-01-01T00:00:02Z'))).toEqual(['ada', 'grace']);
      expect(await matching(cmp('score', 'gt', 3))).toEqual(['ada', 'grace']);
      expect(await matching(cmp('score', 'le', 3))).toEqual(['edsger']);
      expect(await matching(cmp('meta.lastModified', 'ge', '2024-01-01T00:00:00Z'))).toHaveLength(5);
    });

    test('pr finds users that have a non-empty value', async () => {
      expect(await matching(pr('title'))).toEqual(['ada', 'grace', 'bobby', 'edsger']);
      expect(await matching(pr('name.givenName'))).toEqual(['ada', 'grace', 'edsger']);
      expect(await matching(pr('emails'))).toEqual(['ada', 'grace', 'bobby', 'edsger']);
      expect(await matching(pr('phoneNumbers'))).toEqual(['ada']);
      expect(await matching(pr(`${ENTERPRISE}:department`))).toEqual(['ada', 'grace']);
    });

    test('eq null means "not present"; ne null means "present"', async () => {
      expect(await matching(cmp('title', 'eq', null))).toEqual(['linus']);
      expect(await matching(cmp('name.givenName', 'ne', null))).toEqual(['ada', 'grace', 'edsger']);
    });
  });

  describe('logic', () => {
    test('and, or and not combine conditions', async () => {
      expect(await matching(and(cmp('title', 'eq', 'engineer'), cmp('active', 'eq', true)))).toEqual(['ada', 'edsger']);
      expect(await matching(or(cmp('userName', 'sw', 'gr'), cmp('displayName', 'co', 'torvalds')))).toEqual(['grace', 'linus']);
      expect(await matching(not(cmp('active', 'eq', true)))).toEqual(['grace', 'bobby']);
    });

    test('not over a missing attribute counts the user in', async () => {
      expect(await matching(not(pr('title')))).toEqual(['linus']);
      expect(await matching(not(cmp('title', 'eq', 'engineer')))).toEqual(['grace', 'linus', 'bobby']);
    });

    test('active compares against booleans: suspended and pending users are not active', async () => {
      expect(await matching(cmp('active', 'eq', false))).toEqual(['grace', 'bobby']);
      expect(await matching(cmp('active', 'ne', true))).toEqual(['grace', 'bobby']);
      expect(await matching(pr('active'))).toHaveLength(5);
    });

    test('JSON booleans match only true or false, not truthy values', async () => {
      expect(await matching(cmp('verified', 'eq', true))).toEqual(['ada']);
      expect(await matching(cmp('verified', 'eq', false))).toEqual(['grace']);
      expect(await matching(cmp('verified', 'ne', true))).toEqual(['grace', 'linus', 'bobby', 'edsger']);
    });
  });

  describe('emails and other multi-valued attributes', () => {
    test('emails.value ignores case and matches any of the user’s emails', async () => {
      expect(await matching(cmp('emails.value', 'eq', 'ADA@ACME.TEST'))).toEqual(['ada']);
      expect(await matching(cmp('emails.value', 'eq', 'ada@home.test'))).toEqual(['ada']);
      expect(await matching(cmp('emails', 'eq', 'grace@navy.test'))).toEqual(['grace']);
    });

    test('emails[type eq "work" and value co "@acme"] needs one email satisfying both', async () => {
      expect(await matching(where('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@acme'))))).toEqual(['ada', 'bobby', 'edsger']);
      // Ada's home email is not @acme: inside [...] both conditions apply to the same email…
      expect(await matching(where('emails', and(cmp('type', 'eq', 'home'), cmp('value', 'co', '@acme'))))).toEqual([]);
      // …while without [...] each condition may be met by a different email.
      expect(await matching(and(cmp('emails.type', 'eq', 'home'), cmp('emails.value', 'co', '@acme')))).toEqual(['ada']);
    });

    test('emails.primary and value filters with not inside brackets', async () => {
      expect(await matching(cmp('emails.primary', 'eq', true))).toEqual(['ada', 'grace']);
      expect(await matching(where('emails', and(cmp('primary', 'eq', true), cmp('value', 'ew', 'navy.test'))))).toEqual(['grace']);
      expect(await matching(where('emails', not(cmp('type', 'eq', 'work'))))).toEqual(['ada']);
    });

    test('emails.value ne x means no email equals x', async () => {
      expect(await matching(cmp('emails.value', 'ne', 'ada@home.test'))).toEqual(['grace', 'linus', 'bobby', 'edsger']);
    });

    test('extension attributes are found under their schema URN', async () => {
      expect(await matching(cmp(`${ENTERPRISE}:department`, 'eq', 'r&d'))).toEqual(['ada']);
      expect(await matching(cmp(`${ENTERPRISE}:manager.value`, 'eq', 'mgr-2', true))).toEqual(['grace']);
      expect(await matching(where(`${WIRE_PROFILE}:richInfo`, and(cmp('type', 'eq', 'department'), cmp('value', 'eq', 'Math', true))))).toEqual(['ada']);
    });

    test('other multi-valued attributes match when any element does', async () => {
      expect(await matching(cmp('phoneNumbers.value', 'sw', '+1', true))).toEqual(['ada']);
      expect(await matching(where('phoneNumbers', cmp('type', 'eq', 'WORK')))).toEqual(['ada']);
      expect(await matching(cmp('roles', 'eq', 'analyst'))).toEqual(['ada']);
      expect(await matching(where('name', cmp('givenName', 'eq', 'grace')))).toEqual(['grace']);
    });
  });

  describe('hostile input', () => {
    test('%, _ and * in co/sw/ew are literal characters, not wildcards', async () => {
      expect(await matching(cmp('title', 'co', '%'))).toEqual(['bobby']);
      expect(await matching(cmp('title', 'co', '_'))).toEqual(['bobby']);
      expect(await matching(cmp('title', 'sw', '50%'))).toEqual(['bobby']);
      expect(await matching(cmp('title', 'co', 'e_g'))).toEqual([]);
      expect(await matching(cmp('title', 'co', '*', true))).toEqual([]);
      expect(await matching(cmp('title', 'co', '[', true))).toEqual([]);
      expect(await matching(cmp('title', 'co', '.*'))).toEqual([]);
    });

    test('SQL- and query-shaped values are compared as data', async () => {
      expect(await matching(cmp('displayName', 'eq', INJECTION_NAME))).toEqual(['bobby']);
      expect(await matching(cmp('externalId', 'eq', INJECTION_EXTERNAL_ID, true))).toEqual(['bobby']);
      expect(await matching(cmp('userName', 'co', "'; DROP TABLE users; --"))).toEqual([]);
      expect(await matching(cmp('title', 'eq', '{"$ne": null}'))).toEqual([]);
      expect(await store().users.countByTeam(team.id)).toBe(5);
    });

    test('an attribute path the store cannot map is refused with an error, never run', async () => {
      const list = (filter: FilterNode) => store().users.list(team.id, { filter, startIndex: 1, count: 10 });
      await expect(list({ kind: 'present', path: { attr: 'name"); DROP TABLE users; --' } })).rejects.toThrow(/cannot map/);
      await expect(list({ kind: 'present', path: { attr: 'name', sub: "x'.y" } })).rejects.toThrow(/cannot map/);
      await expect(list({ kind: 'present', path: { attr: '$where' } })).rejects.toThrow(/cannot map/);
      await expect(list({ kind: 'present', path: { attr: 'meta', sub: 'version' } })).rejects.toThrow(/cannot map/);
      await expect(list(where('emails', cmp('nope', 'eq', 'x')))).rejects.toThrow(/cannot map/);
      expect(await store().users.countByTeam(team.id)).toBe(5);
    });

    test('an operator that makes no sense for the value is refused with an error', async () => {
      const list = (filter: FilterNode) => store().users.list(team.id, { filter, startIndex: 1, count: 10 });
      await expect(list(cmp('active', 'gt', true))).rejects.toThrow();
      await expect(list(cmp('title', 'co', 5))).rejects.toThrow();
      await expect(list(cmp('title', 'gt', null))).rejects.toThrow();
    });
  });
}
