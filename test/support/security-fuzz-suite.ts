/**
 * The SCIM fuzzing properties, defined once: test/security/scim-fuzz.test.ts runs them ~100 times
 * each in `npm test`, test/stress/scim-fuzz.test.ts thousands of times in `npm run test:stress`.
 */
import fc from 'fast-check';
import { createScimToken, createTeam } from './fixtures';
import { call } from './http';
import { SecretTracker } from './security-secrets';
import { startTestServer, type TestServer } from './server';
import {
  GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, anyJson, contentType, filterString, groupBody, ifMatch, patchBody, patchOperation, sendAndCheck, userBody, type FuzzTarget,
} from './security-fuzz';

import { GROUPS_MOUNTED } from './security-features';

/** Generous: a property is ~1-3 s on an idle machine, but CI boxes with two cores run other suites alongside. */
const FUZZ_TIMEOUT_MS = 180_000;

export function defineScimFuzz(runs: (quick: number) => number): void {
  let server: TestServer;
  let target: FuzzTarget;
  const seedUsers: string[] = [];
  const seedGroups: string[] = [];
  const secrets = new SecretTracker();

  beforeAll(async () => {
    server = await startTestServer();
    const team = await createTeam(server, 'Fuzz');
    const token = await createScimToken(server, team);
    secrets.add('SCIM token', token);
    target = { server, teamId: team.teamId, token };
    for (let i = 0; i < 3; i++) {
      const res = await call(server.url, 'POST', '/scim/v2/Users', { token, json: { schemas: [USER_SCHEMA], userName: `seed.${i}`, externalId: `seed.${i}@fuzz.test`, displayName: `Seed ${i}`, emails: [{ value: `seed.${i}@fuzz.test`, type: 'work', primary: true }] } });
      if (res.status !== 201) throw new Error(`seed user: ${res.status} ${res.text}`);
      seedUsers.push(res.body.id);
    }
    if (GROUPS_MOUNTED) {
      for (let i = 0; i < 2; i++) {
        const res = await call(server.url, 'POST', '/scim/v2/Groups', { token, json: { schemas: [GROUP_SCHEMA], displayName: `Seed group ${i}`, members: [{ value: seedUsers[i] }] } });
        if (res.status !== 201) throw new Error(`seed group: ${res.status} ${res.text}`);
        seedGroups.push(res.body.id);
      }
    }
  });
  afterAll(async () => {
    // Whatever the fuzzer sent, the SCIM token never reached a log line.
    const leaks = server.logs.filter((l) => secrets.foundIn(l).length > 0);
    await server.close();
    expect(leaks).toEqual([]);
  });

  const seedUser = fc.integer({ min: 0, max: 2 }).map((i) => seedUsers[i]!);
  const memberValue = fc.oneof(seedUser, fc.uuid(), fc.string({ maxLength: 10 }));
  /** Creates what a property created, so the team stays small and later runs see the seeds. */
  const cleanUp = async (resource: 'Users' | 'Groups', status: number, body: { id?: unknown }) => {
    if (status === 201 && typeof body?.id === 'string') {
      const del = await call(server.url, 'DELETE', `/scim/v2/${resource}/${body.id}`, { token: target.token });
      if (del.status !== 204) throw new Error(`cleanup DELETE → ${del.status}`);
    }
  };

  test('When a SCIM client POSTs arbitrary JSON as a User, then no 5xx, every 4xx is an RFC 7644 error with a detail, and a refused create writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(userBody, async (body) => {
        const reply = await sendAndCheck(target, 'POST', '/Users', { json: body });
        await cleanUp('Users', reply.status, reply.body);
      }),
      { numRuns: runs(100) },
    );
  }, FUZZ_TIMEOUT_MS);

  test('When a SCIM client PUTs arbitrary JSON over an existing User, then no 5xx and a refused replace changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(seedUser, userBody, async (id, body) => {
        await sendAndCheck(target, 'PUT', `/Users/${id}`, { json: body });
      }),
      { numRuns: runs(100) },
    );
  }, FUZZ_TIMEOUT_MS);

  test('When a SCIM client PATCHes a User with arbitrary ops, paths and values, then no 5xx and a refused PATCH changes nothing (atomic)', async () => {
    await fc.assert(
      fc.asyncProperty(seedUser, patchBody, async (id, body) => {
        await sendAndCheck(target, 'PATCH', `/Users/${id}`, { json: body });
      }),
      { numRuns: runs(150) },
    );
  }, FUZZ_TIMEOUT_MS);

  test('When a SCIM client lists Users with arbitrary filters, sorting and paging (GET and POST .search), then no 5xx and errors are RFC 7644 invalidFilter-style bodies', async () => {
    const query = fc.record(
      {
        filter: filterString,
        sortBy: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('userName', 'name.familyName', 'meta.created', 'emails', 'x') }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }),
        sortOrder: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('ascending', 'descending') }, { weight: 1, arbitrary: fc.string({ maxLength: 5 }) }),
        startIndex: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -5, max: 10 }).map(String) }, { weight: 1, arbitrary: fc.string({ maxLength: 5 }) }),
        count: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -5, max: 2000 }).map(String) }, { weight: 1, arbitrary: fc.string({ maxLength: 5 }) }),
        attributes: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('userName', 'emails.value,name', 'members') }, { weight: 1, arbitrary: fc.string({ maxLength: 15 }) }),
      },
      { requiredKeys: ['filter'] },
    );
    await fc.assert(
      fc.asyncProperty(query, fc.boolean(), async (q, viaSearch) => {
        if (viaSearch) {
          const body: Record<string, unknown> = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], ...q };
          await sendAndCheck(target, 'POST', '/Users/.search', { json: body });
        } else {
          await sendAndCheck(target, 'GET', `/Users?${new URLSearchParams(q as Record<string, string>).toString()}`, {});
        }
      }),
      { numRuns: runs(150) },
    );
  }, FUZZ_TIMEOUT_MS);

  test('When a client sends odd Content-Types, If-Match values and raw (maybe broken) bodies, then no 5xx and a refused write changes nothing', async () => {
    const rawBody = fc.oneof(
      fc.string({ maxLength: 200 }),
      anyJson.map((v) => JSON.stringify(v) ?? 'null'),
      patchBody.map((v) => JSON.stringify(v) ?? 'null'),
      fc.constantFrom('{', '{"schemas":', '\u0000', '[]'.repeat(1000), `{"a":${'['.repeat(5000)}`, '\ufeff{}'),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('POST', 'PUT', 'PATCH'), seedUser, contentType, fc.option(ifMatch, { nil: undefined }), rawBody, async (method, id, type, etag, body) => {
        const headers: Record<string, string> = { 'content-type': type };
        if (etag !== undefined) headers['if-match'] = etag;
        const reply = await sendAndCheck(target, method, method === 'POST' ? '/Users' : `/Users/${id}`, { body, headers });
        if (method === 'POST') await cleanUp('Users', reply.status, reply.body);
      }),
      { numRuns: runs(150) },
    );
  }, FUZZ_TIMEOUT_MS);

  test('When a client addresses Users and Groups by arbitrary ids (traversal, other encodings), then it gets 4xx errors and nothing changes', async () => {
    const weirdId = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('..', '../Users', '%2e%2e', '%00', 'null', 'undefined', '__proto__', '*', seedUsers[0] ? seedUsers[0].toUpperCase() : 'X', ' '));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'DELETE', 'PUT', 'PATCH'), fc.constantFrom('Users', ...(GROUPS_MOUNTED ? ['Groups'] : [])), weirdId, async (method, resource, id) => {
        const encoded = encodeURIComponent(id);
        if (encoded === '' || id === seedUsers[0]) return;
        const json = method === 'PATCH' ? { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] } : method === 'PUT' ? { schemas: [USER_SCHEMA], userName: 'x.y' } : undefined;
        const reply = await sendAndCheck(target, method, `/${resource}/${encoded}`, { json });
        if (reply.status < 400 && method !== 'GET') throw new Error(`${method} /${resource}/${id} was not refused: ${reply.status}`);
      }),
      { numRuns: runs(100) },
    );
  }, FUZZ_TIMEOUT_MS);

  (GROUPS_MOUNTED ? test : test.skip)('When a SCIM client POSTs and PUTs arbitrary Groups (members pointing anywhere), then no 5xx and a refused request writes nothing', async () => {
    const body = fc.oneof(groupBody, fc.record({ schemas: fc.constant([GROUP_SCHEMA]), displayName: fc.string({ minLength: 1, maxLength: 12 }), members: fc.array(memberValue.map((value) => ({ value })), { maxLength: 4 }) }));
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.integer({ min: 0, max: 1 }), body, async (put, g, b) => {
        if (put) await sendAndCheck(target, 'PUT', `/Groups/${seedGroups[g]}`, { json: b });
        else {
          const reply = await sendAndCheck(target, 'POST', '/Groups', { json: b });
          await cleanUp('Groups', reply.status, reply.body);
        }
      }),
      { numRuns: runs(100) },
    );
  }, FUZZ_TIMEOUT_MS);

  (GROUPS_MOUNTED ? test : test.skip)('When a SCIM client PATCHes a Group with arbitrary member ops and filters, then no 5xx and a refused PATCH changes nothing', async () => {
    const memberOp = fc.record({
      op: fc.constantFrom('add', 'remove', 'replace', 'Add', 'bogus'),
      path: fc.oneof(fc.constantFrom('members', 'displayName', 'externalId', undefined as unknown as string), memberValue.map((v) => `members[value eq "${v}"]`), fc.string({ maxLength: 20 })),
      value: fc.oneof(fc.array(memberValue.map((value) => ({ value })), { maxLength: 3 }), anyJson),
    }, { requiredKeys: ['op'] });
    const body = fc.oneof(patchBody, fc.record({ schemas: fc.constant([PATCH_OP]), Operations: fc.array(fc.oneof(memberOp, patchOperation), { minLength: 1, maxLength: 4 }) }));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1 }), body, fc.option(ifMatch, { nil: undefined }), async (g, b, etag) => {
        await sendAndCheck(target, 'PATCH', `/Groups/${seedGroups[g]}`, { json: b, headers: etag === undefined ? {} : { 'if-match': etag } });
      }),
      { numRuns: runs(150) },
    );
  }, FUZZ_TIMEOUT_MS);

  (GROUPS_MOUNTED ? test : test.skip)('When a SCIM client lists Groups with arbitrary filters, then no 5xx and errors are RFC 7644 bodies', async () => {
    await fc.assert(
      fc.asyncProperty(filterString, fc.option(fc.constantFrom('members', 'displayName', 'members.value', 'x'), { nil: undefined }), async (filter, attributes) => {
        const q = new URLSearchParams({ filter, ...(attributes ? { attributes } : {}) });
        await sendAndCheck(target, 'GET', `/Groups?${q.toString()}`, {});
      }),
      { numRuns: runs(100) },
    );
  }, FUZZ_TIMEOUT_MS);
}
