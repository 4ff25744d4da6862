/**
 * Property-based fuzzing of the SCIM API through the running server (fast-check): generators for
 * bodies, filters, PATCH operations and headers, the RFC 7644 error-body check, and a dump of the
 * team's users and groups through the store port to prove a refused request changed nothing.
 */
import fc from 'fast-check';
import type { Store } from '../../src/store/port';
import { call, type Reply } from './http';
import type { TestServer } from './server';

export const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Runs per property: ~100 in `npm test`, FUZZ_RUNS (default 2000) in `npm run test:stress`. */
export function fuzzRuns(quick: number): number {
  return process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : quick;
}

interface GroupStoreLike {
  list(teamId: string, query: { startIndex: number; count: number }): Promise<{ items: { id: string }[] }>;
  listMembersOfGroups(teamId: string, ids: string[]): Promise<Map<string, unknown[]>>;
}

/** Everything SCIM can change in a team, as the store holds it (users, groups, memberships, tokens). */
export async function dumpTeam(store: Store, teamId: string): Promise<string> {
  const users = (await store.users.list(teamId, { startIndex: 1, count: 100_000 })).items;
  const groupRepo = (store as unknown as { groups?: GroupStoreLike }).groups;
  let groups: unknown = null;
  if (groupRepo) {
    const items = (await groupRepo.list(teamId, { startIndex: 1, count: 100_000 })).items;
    const members = await groupRepo.listMembersOfGroups(teamId, items.map((g) => g.id));
    groups = items.map((g) => ({ ...g, members: members.get(g.id) ?? [] }));
  }
  const team = await store.teams.get(teamId);
  return JSON.stringify({ team, users: users.sort((a, b) => a.id.localeCompare(b.id)), groups });
}

/** What every SCIM answer must satisfy: no 5xx; a 4xx is an RFC 7644 §3.12 error with a detail. Returns the problem, or null. */
export function scimAnswerProblem(reply: Reply): string | null {
  if (reply.status >= 500) return `${reply.status}: ${reply.text.slice(0, 300)}`;
  if (reply.status >= 400) {
    const b = reply.body as { schemas?: unknown; status?: unknown; detail?: unknown } | null;
    const ok =
      typeof b === 'object' && b !== null &&
      Array.isArray(b.schemas) && b.schemas.includes(SCIM_ERROR) &&
      b.status === String(reply.status) &&
      typeof b.detail === 'string' && b.detail.trim().length > 0 &&
      (reply.headers.get('content-type') ?? '').includes('json');
    if (!ok) return `${reply.status} without an RFC 7644 error body: ${reply.text.slice(0, 300)}`;
  }
  return null;
}

export interface FuzzTarget {
  server: TestServer;
  teamId: string;
  token: string;
}

/**
 * Sends one request and checks the promises: no 5xx, RFC 7644 errors, and — for every refused
 * request — the team's store dump unchanged. Throws (fast-check shrinks) on a broken promise.
 */
export async function sendAndCheck(target: FuzzTarget, method: string, path: string, options: { json?: unknown; body?: string; headers?: Record<string, string> }): Promise<Reply> {
  const before = await dumpTeam(target.server.services.store, target.teamId);
  const headers: Record<string, string> = { 'content-type': 'application/scim+json', ...options.headers };
  const reply = await call(target.server.url, method, `/scim/v2${path}`, { token: target.token, headers, json: options.json, body: options.body });
  const problem = scimAnswerProblem(reply);
  if (problem) throw new Error(`${method} ${path} ${JSON.stringify(options).slice(0, 500)} → ${problem}`);
  if (reply.status >= 400) {
    const after = await dumpTeam(target.server.services.store, target.teamId);
    if (after !== before) throw new Error(`${method} ${path} was refused (${reply.status}) but changed the store: ${JSON.stringify(options).slice(0, 500)}`);
  }
  return reply;
}

// ── generators ──────────────────────────────────────────────────────────────────────────────

const weirdStrings = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', ' ', '\u0000', '\u202e', '😀', 'a'.repeat(300), '../../etc/passwd', '<script>alert(1)</script>', "' OR 1=1 --", '$where', '{"$gt":""}', '__proto__', 'constructor', 'null', 'true', '1e309', '-0'),
);

/** Any JSON value, including the shapes that break naive handlers (__proto__ keys, deep nesting, huge numbers). */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, [], {}, '', 0, -1, 1e308, true, { __proto__: { admin: true } }, JSON.parse('{"__proto__":{"polluted":1}}'), { constructor: { prototype: { polluted: 1 } } }) },
  { weight: 1, arbitrary: fc.array(weirdStrings, { maxLength: 3 }) },
);

const userAttr = fc.constantFrom(
  'userName', 'displayName', 'externalId', 'active', 'title', 'nickName', 'name', 'name.givenName', 'name.familyName', 'emails', 'emails.value',
  'phoneNumbers', 'addresses', 'roles', 'preferredLanguage', 'locale', 'timezone', 'userType', 'password', 'groups', 'id', 'meta', 'meta.created', 'schemas',
  `${ENTERPRISE}:manager`, `${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:manager.value`, 'urn:wire:scim:schemas:profile:1.0:richInfo',
);

/** One attribute of a User with a random (often wrong) value. */
const userMutation: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(fc.constant('schemas'), fc.oneof(fc.constant([USER_SCHEMA, ENTERPRISE]), fc.constant([]), anyJson)),
  fc.tuple(fc.constant('userName'), fc.oneof(fc.stringMatching(/^[a-z0-9._-]{1,20}$/), weirdStrings, anyJson)),
  fc.tuple(fc.constant('externalId'), fc.oneof(fc.emailAddress(), weirdStrings, anyJson)),
  fc.tuple(fc.constant('displayName'), fc.oneof(weirdStrings, anyJson)),
  fc.tuple(fc.constant('active'), fc.oneof(fc.boolean(), fc.constantFrom('true', 'False', 1, null))),
  fc.tuple(fc.constant('emails'), fc.oneof(fc.array(fc.record({ value: fc.oneof(fc.emailAddress(), weirdStrings), primary: fc.oneof(fc.boolean(), anyJson), type: fc.oneof(fc.constantFrom('work', 'home'), weirdStrings) }, { requiredKeys: [] }), { maxLength: 3 }), anyJson)),
  fc.tuple(fc.constant('name'), fc.oneof(fc.record({ givenName: weirdStrings, familyName: weirdStrings, formatted: weirdStrings }, { requiredKeys: [] }), anyJson)),
  fc.tuple(fc.constant(ENTERPRISE), fc.oneof(fc.record({ employeeNumber: weirdStrings, manager: fc.oneof(fc.record({ value: weirdStrings }), anyJson) }, { requiredKeys: [] }), anyJson)),
  fc.tuple(fc.constantFrom('id', 'meta', 'groups', 'password', 'title', 'phoneNumbers', 'addresses', 'roles', 'x509Certificates', 'urn:wire:scim:schemas:profile:1.0', 'unknownAttribute'), anyJson),
);

/** A valid User body (unique userName) with 0–2 attributes mutated, or any JSON at all. */
export const userBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: anyJson },
  {
    weight: 5,
    arbitrary: fc.tuple(fc.stringMatching(/^[a-z0-9]{6,12}$/), fc.array(userMutation, { maxLength: 2 })).map(([suffix, mutations]) => {
      const body: Record<string, unknown> = {
        schemas: [USER_SCHEMA],
        userName: `fz.${suffix}`,
        externalId: `fz.${suffix}@fuzz.test`,
        displayName: `Fuzz ${suffix}`,
        emails: [{ value: `fz.${suffix}@fuzz.test`, type: 'work', primary: true }],
      };
      for (const [key, value] of mutations) body[key] = value;
      return body;
    }),
  },
);

export const groupBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: anyJson },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        schemas: fc.oneof(fc.constant([GROUP_SCHEMA]), anyJson),
        displayName: fc.oneof(fc.stringMatching(/^[A-Za-z0-9 ._-]{1,20}$/), weirdStrings, anyJson),
        externalId: fc.oneof(weirdStrings, anyJson),
        members: fc.oneof(fc.array(fc.record({ value: fc.oneof(fc.uuid(), weirdStrings, anyJson), display: weirdStrings, type: weirdStrings }, { requiredKeys: [] }), { maxLength: 4 }), anyJson),
        id: weirdStrings,
      },
      { requiredKeys: [] },
    ),
  },
);

const compareOp = fc.oneof({ weight: 9, arbitrary: fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'EQ', 'Eq') }, { weight: 1, arbitrary: fc.constantFrom('xx', '==', '') });
const filterValue = fc.oneof(
  fc.string().map((s) => JSON.stringify(s)),
  fc.constantFrom('true', 'false', 'null', '1', '-1.5e3', '"2026-01-01T00:00:00Z"', '"', '"\\"', "'x'", '"\\u0000"'),
);
const filterAttr = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('userName', 'displayName', 'externalId', 'active', 'title', 'name.givenName', 'name.familyName', 'emails', 'emails.value', 'emails.type', 'meta.created', 'meta.lastModified', 'id', `${ENTERPRISE}:employeeNumber`) },
  { weight: 1, arbitrary: userAttr },
  { weight: 1, arbitrary: fc.constantFrom('members', 'members.value', 'displayName', 'emails[type eq "work"].value', 'meta.lastModified', 'x.y.z', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);

/** Filters a real IdP sends, well-typed (these must mostly answer 200). */
const validComparison = fc.oneof(
  fc.tuple(fc.constantFrom('userName', 'displayName', 'externalId', 'title', 'name.familyName', 'emails.value', 'emails.type', `${ENTERPRISE}:employeeNumber`), fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'le'), fc.string({ maxLength: 12 })).map(([a, o, v]) => `${a} ${o} ${JSON.stringify(v)}`),
  fc.boolean().map((b) => `active eq ${b}`),
  fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => `meta.lastModified gt "${d.toISOString()}"`),
  fc.constantFrom('emails[type eq "work" and value co "@"]', 'emails[primary eq true]', 'title pr', 'userName pr'),
);
const validFilter = fc.tuple(validComparison, fc.array(fc.tuple(fc.constantFrom('and', 'or'), validComparison, fc.boolean()), { maxLength: 2 })).map(([first, rest]) =>
  rest.reduce((acc, [op, c, negate]) => `${acc} ${op} ${negate ? `not (${c})` : c}`, first),
);

/** Filters from the RFC 7644 grammar (well-typed, then random and often broken), plus arbitrary strings. */
export const filterString: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 5, arbitrary: validFilter },
  {
    weight: 6,
    arbitrary: fc.letrec<{ f: string }>((tie) => ({
      f: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.tuple(filterAttr, compareOp, filterValue).map(([a, o, v]) => `${a} ${o} ${v}`),
        filterAttr.map((a) => `${a} pr`),
        fc.tuple(tie('f'), fc.constantFrom('and', 'or', 'AND', 'xor'), tie('f')).map(([l, o, r]) => `${l} ${o} ${r}`),
        tie('f').map((f) => `not (${f})`),
        tie('f').map((f) => `(${f})`),
        tie('f').map((f) => `(${f}`),
        fc.tuple(filterAttr, tie('f')).map(([a, f]) => `${a}[${f}]`),
      ),
    })).f,
  },
);

const patchPath = fc.oneof(
  userAttr,
  fc.constantFrom('members', 'members[value eq "x"]', 'emails[type eq "work"]', 'emails[type eq "work"].value', 'emails[value co "@"].primary', 'name[givenName eq "a"]', 'members[value eq', '[', ']', '.', 'a..b', `${ENTERPRISE}:`, 'urn:unknown:schema:attr'),
  filterAttr,
  fc.string({ maxLength: 30 }),
);

/** PATCH operations a real IdP sends (Entra, Okta shapes), with values of the right type. */
const plausibleOperation: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ op: fc.constantFrom('replace', 'Replace', 'add'), path: fc.constantFrom('displayName', 'title', 'name.givenName', 'name.familyName', 'nickName', 'preferredLanguage', `${ENTERPRISE}:employeeNumber`), value: fc.string({ minLength: 1, maxLength: 20 }) }),
  fc.record({ op: fc.constantFrom('replace', 'Replace'), path: fc.constant('active'), value: fc.oneof(fc.boolean(), fc.constantFrom('True', 'false')) }),
  fc.record({ op: fc.constantFrom('replace', 'add'), path: fc.constant('emails[type eq "work"].value'), value: fc.emailAddress() }),
  fc.record({ op: fc.constant('add'), path: fc.constant('emails'), value: fc.array(fc.record({ value: fc.emailAddress(), type: fc.constantFrom('work', 'home') }), { minLength: 1, maxLength: 2 }) }),
  fc.record({ op: fc.constantFrom('replace', 'Replace'), value: fc.record({ displayName: fc.string({ maxLength: 20 }), active: fc.boolean(), title: fc.string({ maxLength: 10 }) }, { requiredKeys: [] }) }),
  fc.record({ op: fc.constantFrom('remove', 'Remove'), path: fc.constantFrom('title', 'nickName', 'name.givenName', 'emails[type eq "home"]', `${ENTERPRISE}:manager`) }),
);

export const patchOperation: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: anyJson },
  { weight: 4, arbitrary: plausibleOperation },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        op: fc.oneof(fc.constantFrom('add', 'replace', 'remove', 'Add', 'REPLACE', 'Remove'), weirdStrings),
        path: patchPath,
        value: fc.oneof(anyJson, fc.array(fc.record({ value: fc.oneof(fc.uuid(), weirdStrings) }), { maxLength: 3 }), fc.record({ displayName: weirdStrings, active: fc.boolean() }, { requiredKeys: [] })),
      },
      { requiredKeys: [] },
    ),
  },
);

export const patchBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: anyJson },
  { weight: 2, arbitrary: fc.record({ schemas: fc.oneof(fc.constant([PATCH_OP]), anyJson), Operations: fc.oneof(fc.array(patchOperation, { maxLength: 4 }), anyJson) }, { requiredKeys: ['Operations'] }) },
  { weight: 4, arbitrary: fc.record({ schemas: fc.constant([PATCH_OP]), Operations: fc.array(fc.oneof({ weight: 3, arbitrary: plausibleOperation }, { weight: 1, arbitrary: patchOperation }), { minLength: 1, maxLength: 3 }) }) },
);

/** Content-Type values a client (or attacker) may send. */
export const contentType = fc.oneof(
  fc.constantFrom(
    'application/scim+json', 'application/json', 'application/json; charset=utf-8', 'application/scim+json;charset=UTF-8', 'application/json; charset=latin1',
    'application/json; charset=utf-16', 'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', '*/*', 'application/vnd.evil+json',
  ),
  fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
);

/** If-Match values: real-looking ETags, wildcards, garbage. */
export const ifMatch = fc.oneof(
  fc.constantFrom('*', 'W/"1"', 'W/"999"', '"1"', 'W/""', 'W/"', '""', 'W/"1", W/"2"', 'null'),
  fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
);
