import { randomUUID } from 'node:crypto';
import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call, type Reply } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { connectedIdp } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';
import { ENTERPRISE, expectScimError } from './users-client';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Entra ID's documented custom extension shape: urn:ietf:params:scim:schemas:extension:<Name>:2.0:User. */
const ENTRA_CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

/** The request shapes real clients send, accepted the same way in both SCIM profiles. */
describe.each(['strict', 'directory'] as const)('SCIM request shapes in the %s profile', (profile) => {
  let server: TestServer;
  let team: TestTeam;
  let scim: (method: string, path: string, json?: unknown) => Promise<Reply>;
  beforeAll(async () => {
    server = await startTestServer();
    team = await createTeam(server, `Shapes ${profile}`);
    await connectedIdp(server, team, TestIdp.create({ entityId: `https://idp.${randomUUID()}.test` }));
    if (profile === 'directory') await call(server.url, 'PUT', '/team/settings', { token: team.accessToken, json: { scim_profile: 'directory' } });
    const token = await createScimToken(server, team);
    scim = (method, path, json) => call(server.url, method, `/scim/v2${path}`, { token, json, headers: { 'content-type': 'application/scim+json' } });
  });
  afterAll(() => server.close());

  /** A body both profiles accept. */
  const person = (extra: Record<string, unknown> = {}) => {
    const suffix = randomUUID().slice(0, 8);
    return { schemas: [CORE], userName: `shape.${suffix}`, displayName: `Shape ${suffix}`, externalId: `shape.${suffix}@shapes.test`, ...extra };
  };
  const patch = (id: string, Operations: unknown[]) => scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations });
  const lastLogEntry = async (method: string) => {
    const log = await call(server.url, 'GET', '/scim/provisioning-log?limit=20', { token: team.accessToken });
    return (log.body.entries as Array<{ method: string; detail: string | null; status: number }>).find((e) => e.method === method)!;
  };

  test('When Entra ID sends its custom extension listed in schemas, then it is stored, echoed on GET, listed in the provisioning log, and PATCHable by path', async () => {
    const created = await scim('POST', '/Users', person({ schemas: [CORE, ENTRA_CUSTOM], [ENTRA_CUSTOM]: { employeeLevel: '5', badge: { color: 'blue' } } }));
    expect(created.status).toBe(201);
    const read = await scim('GET', `/Users/${created.body.id}`);
    expect(read.body[ENTRA_CUSTOM]).toEqual({ employeeLevel: '5', badge: { color: 'blue' } });
    expect(read.body.schemas).toContain(ENTRA_CUSTOM);
    expect((await lastLogEntry('POST')).detail).toContain(`stored custom extensions: ${ENTRA_CUSTOM}`);

    const patched = await patch(created.body.id, [{ op: 'Add', path: `${ENTRA_CUSTOM}:employeeLevel`, value: '6' }, { op: 'remove', path: `${ENTRA_CUSTOM}:badge` }]);
    expect(patched.status).toBe(200);
    expect(patched.body[ENTRA_CUSTOM]).toEqual({ employeeLevel: '6' });
  });

  test('When custom extension data is larger than the bound, then it is a clear 400 and nothing is stored', async () => {
    const body = person({ schemas: [CORE, ENTRA_CUSTOM], [ENTRA_CUSTOM]: { notes: 'x'.repeat(20_000) } });
    const created = await scim('POST', '/Users', body);
    expectScimError(created, 400, 'invalidValue');
    expect(created.body.detail).toContain('the limit is 16384');
    const found = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${body.userName}"`)}`);
    expect(found.body.totalResults).toBe(0);
  });

  test('When a body carries attributes no schema defines, then they are ignored and named in the provisioning log', async () => {
    const created = await scim('POST', '/Users', person({ favouriteColour: 'green', 'mail-nickname': 'x' }));
    expect(created.status).toBe(201);
    expect(created.body.favouriteColour).toBeUndefined();
    expect((await lastLogEntry('POST')).detail).toContain('ignored attributes no schema defines: favouriteColour, mail-nickname');
  });

  test('When the manager is sent as {"value"}, as a bare id, or as [{"$ref","value"}], then it is stored as {"value"}; it is removed by path, with a value, or by a value filter', async () => {
    const created = await scim('POST', '/Users', person({ schemas: [CORE, ENTERPRISE], [ENTERPRISE]: { manager: 'boss-1' } }));
    expect(created.body[ENTERPRISE].manager).toEqual({ value: 'boss-1' });
    const id = created.body.id as string;
    expect((await patch(id, [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: 'boss-2' } }])).body[ENTERPRISE].manager).toEqual({ value: 'boss-2' });
    expect((await patch(id, [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: [{ $ref: null, value: 'boss-3' }] }])).body[ENTERPRISE].manager).toEqual({ value: 'boss-3' });
    expect((await patch(id, [{ op: 'remove', path: `${ENTERPRISE}:manager[value eq "someone-else"]` }])).body[ENTERPRISE].manager).toEqual({ value: 'boss-3' });
    expect((await patch(id, [{ op: 'remove', path: `${ENTERPRISE}:manager[value eq "boss-3"]` }])).body[ENTERPRISE]).toBeUndefined();
    await patch(id, [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: 'boss-4' }]);
    expect((await patch(id, [{ op: 'Remove', path: `${ENTERPRISE}:manager`, value: [{ value: 'boss-4' }] }])).body[ENTERPRISE]).toBeUndefined();
    await patch(id, [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: 'boss-5' }]);
    expect((await patch(id, [{ op: 'remove', path: `${ENTERPRISE}:manager` }])).body[ENTERPRISE]).toBeUndefined();
  });

  test('When booleans arrive as "True"/"False" strings in any case, then active and emails.primary are read as booleans', async () => {
    const created = await scim('POST', '/Users', person({ active: 'FALSE', emails: [{ value: 'b@shapes.test', primary: 'True' }] }));
    expect(created.body.active).toBe(false);
    expect(created.body.emails).toEqual([{ value: 'b@shapes.test', primary: true }]);
    expect((await patch(created.body.id, [{ op: 'Replace', path: 'active', value: 'true' }])).body.active).toBe(true);
    expectScimError(await scim('POST', '/Users', person({ active: 'maybe' })), 400, 'invalidValue');
  });

  test('When group members are patched as a bare id, a list of bare ids, or {value, display}, then each becomes a member; POST /Groups/.search finds the group', async () => {
    const ids = await Promise.all([1, 2, 3].map(async () => (await scim('POST', '/Users', person())).body.id as string));
    const group = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Shapes ${randomUUID().slice(0, 6)}` });
    expect(group.status).toBe(201);
    const patchGroup = (Operations: unknown[]) => scim('PATCH', `/Groups/${group.body.id}`, { schemas: [PATCH_OP], Operations });
    expect((await patchGroup([{ op: 'add', path: 'members', value: ids[0] }])).status).toBe(204);
    expect((await patchGroup([{ op: 'add', path: 'members', value: [ids[1], ids[2]] }])).status).toBe(204);
    expect((await patchGroup([{ op: 'remove', path: 'members', value: [{ value: ids[1], display: 'whoever' }] }])).status).toBe(204);
    const members = (await scim('GET', `/Groups/${group.body.id}`)).body.members.map((m: { value: string }) => m.value);
    expect(members.sort()).toEqual([ids[0], ids[2]].sort());

    const search = await scim('POST', '/Groups/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `displayName eq "${group.body.displayName}"`, excludedAttributes: 'members' });
    expect(search.status).toBe(200);
    expect(search.body.totalResults).toBe(1);
    expect(search.body.Resources[0]).toMatchObject({ id: group.body.id });
    expect(search.body.Resources[0].members).toBeUndefined();
    expectScimError(await scim('POST', '/Groups/.search', { filter: 'displayName eq' }), 400);
  });
});
