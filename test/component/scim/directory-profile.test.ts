import { randomUUID } from 'node:crypto';
import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { connectedIdp } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';
import { expectScimError } from './users-client';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** The team setting scim_profile and the directory profile's userName / displayName / externalId rules. */
describe('SCIM profile: strict (default) and directory', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  async function teamWithProfile(name: string, profile: 'strict' | 'directory') {
    const team = await createTeam(server, name);
    if (profile === 'directory') {
      const put = await call(server.url, 'PUT', '/team/settings', { token: team.accessToken, json: { scim_profile: 'directory' } });
      expect(put.status).toBe(200);
    }
    // A SAML team: externalId is not a sign-in email here (that is the email/password teams' invitation rule).
    await connectedIdp(server, team, TestIdp.create({ entityId: `https://idp.${randomUUID()}.test` }));
    const token = await createScimToken(server, team, `${name} IdP`);
    const scim = (method: string, path: string, json?: unknown) => call(server.url, method, `/scim/v2${path}`, { token, json, headers: { 'content-type': 'application/scim+json' } });
    return { team, token, scim };
  }

  test('When a team is created, then GET /team and GET /team/settings say scim_profile "strict"; the owner switches it and the switch is audited', async () => {
    const team = await createTeam(server, 'Settings');
    expect((await call(server.url, 'GET', '/team', { token: team.accessToken })).body.scim_profile).toBe('strict');
    const put = await call(server.url, 'PUT', '/team/settings', { token: team.accessToken, json: { scim_profile: 'directory' } });
    expect(put.status).toBe(200);
    expect(put.body.scim_profile).toBe('directory');
    expect((await call(server.url, 'GET', '/team', { token: team.accessToken })).body.scim_profile).toBe('directory');
    expect((await call(server.url, 'GET', '/team/settings', { token: team.accessToken })).body.scim_profile).toBe('directory');
    const [entry] = await server.services.store.audit.list({ teamId: team.teamId, action: 'team.settings.changed', limit: 1 });
    expect(entry).toMatchObject({ actor: { type: 'user', id: team.ownerId }, details: { scim_profile: { from: 'strict', to: 'directory' } } });
  });

  test('When scim_profile is not a known profile, then PUT /team/settings is a 400 that lists the profiles', async () => {
    const team = await createTeam(server, 'Typo');
    const put = await call(server.url, 'PUT', '/team/settings', { token: team.accessToken, json: { scim_profile: 'Directory!' } });
    expect(put.status).toBe(400);
    expect(put.body.message).toContain('"strict", "directory"');
    expect((await call(server.url, 'GET', '/team', { token: team.accessToken })).body.scim_profile).toBe('strict');
  });

  test('When an admin who is not an owner tries to switch the profile, then it is a 403 saying only owners may, and nothing changes', async () => {
    const team = await createTeam(server, 'Admins');
    const email = `admin-${randomUUID().slice(0, 6)}@admins.test`;
    await server.services.accounts.addAdmin({ teamId: team.teamId, email, role: 'admin', password: 'correct horse battery', actor: { type: 'operator', id: null, name: 'test' } });
    const login = await call(server.url, 'POST', '/login?persist=false', { json: { email, password: 'correct horse battery' } });
    const put = await call(server.url, 'PUT', '/team/settings', { token: login.body.access_token, json: { scim_profile: 'directory' } });
    expect(put.status).toBe(403);
    expect(put.text).toContain('Only team owners');
    expect((await call(server.url, 'GET', '/team', { token: team.accessToken })).body.scim_profile).toBe('strict');
  });

  test('When Okta sends its default user (login email with capitals, no displayName, no externalId) to a directory team, then it is created and the userName comes back exactly as sent', async () => {
    const { scim } = await teamWithProfile('Okta Default', 'directory');
    const body = { schemas: [CORE], userName: 'Jane.Doe@Acme.com', name: { givenName: 'Jane', familyName: 'Doe' }, emails: [{ primary: true, value: 'Jane.Doe@Acme.com', type: 'work' }], active: true };
    const created = await scim('POST', '/Users', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ userName: 'Jane.Doe@Acme.com', displayName: 'Jane Doe', active: true });
    expect(created.body.externalId).toBeUndefined();
    const stored = (await server.services.store.users.getAnyTeam(created.body.id))!;
    expect(stored.handle).toMatch(/^jane\.doe(-\d+)?$/);
    expect(stored.userName).toBe('Jane.Doe@Acme.com');

    const found = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "jane.doe@acme.com"')}`);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(created.body.id);
    const general = await scim('GET', `/Users?filter=${encodeURIComponent('userName sw "JANE.DOE@" and active eq true')}`);
    expect(general.body.Resources.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
  });

  test('When the same person is sent to a strict team, then it is today\'s clear 400 naming the capital letters', async () => {
    const { scim } = await teamWithProfile('Okta Strict', 'strict');
    const created = await scim('POST', '/Users', { schemas: [CORE], userName: 'Jane.Doe@Acme.com', name: { givenName: 'Jane', familyName: 'Doe' } });
    expectScimError(created, 400, 'invalidValue');
    expect(created.body.detail).toContain('must not contain capital letters');
  });

  test('When a second user differs only in the case of A–Z, then it is a 409 uniqueness within the team; another team may use the same userName and its 409s never mention the first team', async () => {
    const first = await teamWithProfile('Case One', 'directory');
    const second = await teamWithProfile('Case Two', 'directory');
    const userName = `Bob.Smith.${randomUUID().slice(0, 4)}@Contoso.com`;
    expect((await first.scim('POST', '/Users', { schemas: [CORE], userName })).status).toBe(201);
    const twin = await first.scim('POST', '/Users', { schemas: [CORE], userName: userName.toUpperCase() });
    expectScimError(twin, 409, 'uniqueness');
    expect(twin.body.detail).toContain('another user of this team');

    const other = await second.scim('POST', '/Users', { schemas: [CORE], userName });
    expect(other.status).toBe(201);
    expect(other.body.userName).toBe(userName);
    const otherTwin = await second.scim('POST', '/Users', { schemas: [CORE], userName: userName.toLowerCase() });
    expectScimError(otherTwin, 409, 'uniqueness');
    expect(otherTwin.body.detail).not.toContain(first.team.teamId);
    expect(otherTwin.body.detail).toContain('this team');
    // Two people, two handles, both unique on the instance.
    const [a, b] = await Promise.all([first, second].map(async (t) => (await t.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)).body.Resources[0].id as string));
    const handles = await Promise.all([a!, b!].map(async (id) => (await server.services.store.users.getAnyTeam(id))!.handle));
    expect(new Set(handles).size).toBe(2);
  });

  test('When userName has control characters, is blank, or is longer than 256 characters, then the directory profile refuses it with a 400 saying what is wrong; spaces around it are trimmed', async () => {
    const { scim } = await teamWithProfile('Rules', 'directory');
    const control = await scim('POST', '/Users', { schemas: [CORE], userName: 'tab\there' });
    expectScimError(control, 400, 'invalidValue');
    expect(control.body.detail).toContain('control characters');
    const blank = await scim('POST', '/Users', { schemas: [CORE], userName: '   ' });
    expectScimError(blank, 400, 'invalidValue');
    expect(blank.body.detail).toContain('1 to 256');
    expectScimError(await scim('POST', '/Users', { schemas: [CORE], userName: 'x'.repeat(257) }), 400, 'invalidValue');
    expect((await scim('POST', '/Users', { schemas: [CORE], userName: 'y'.repeat(256) })).status).toBe(201);
    const trimmed = await scim('POST', '/Users', { schemas: [CORE], userName: '  Ünïcode Name  ' });
    expect(trimmed.body.userName).toBe('Ünïcode Name');
    expect(trimmed.body.displayName).toBe('Ünïcode Name');
  });

  test('When two directory users share an externalId, then both are stored and a filter on it returns both; displayName comes from name.formatted first', async () => {
    const { scim } = await teamWithProfile('Shared Ext', 'directory');
    const one = await scim('POST', '/Users', { schemas: [CORE], userName: 'one@shared.test', externalId: 'bsmith', name: { formatted: 'Bob Smith (Sales)', givenName: 'Bob', familyName: 'Smith' } });
    const two = await scim('POST', '/Users', { schemas: [CORE], userName: 'two@shared.test', externalId: 'bsmith' });
    expect([one.status, two.status]).toEqual([201, 201]);
    expect(one.body.displayName).toBe('Bob Smith (Sales)');
    const both = await scim('GET', `/Users?filter=${encodeURIComponent('externalId eq "bsmith"')}`);
    expect(both.body.totalResults).toBe(2);
  });

  test('When a strict team switches to directory, then existing users are not rewritten and keep their userName; new users follow the directory rules', async () => {
    const team: TestTeam = await createTeam(server, 'Switcher');
    const token = await createScimToken(server, team);
    const scim = (method: string, path: string, json?: unknown) => call(server.url, method, `/scim/v2${path}`, { token, json });
    const old = await scim('POST', '/Users', { schemas: [CORE], userName: 'kept.user', displayName: 'Kept', externalId: 'kept@switch.test' });
    expect(old.status).toBe(201);
    const before = (await server.services.store.users.getAnyTeam(old.body.id))!;
    await call(server.url, 'PUT', '/team/settings', { token: team.accessToken, json: { scim_profile: 'directory' } });
    const after = (await server.services.store.users.getAnyTeam(old.body.id))!;
    expect(after).toEqual(before);
    expect((await scim('GET', `/Users/${old.body.id}`)).body).toMatchObject({ userName: 'kept.user', externalId: 'kept@switch.test' });
    // A directory userName may not take the kept user's userName in another case.
    expectScimError(await scim('POST', '/Users', { schemas: [CORE], userName: 'Kept.User' }), 409, 'uniqueness');
  });

  test('When a strict team has switched to directory, then a PATCH that does not name userName keeps the user\'s strict rules, and one that sets USERNAME (any case) takes the team\'s directory rules', async () => {
    const team: TestTeam = await createTeam(server, 'Patcher');
    const token = await createScimToken(server, team);
    const scim = (method: string, path: string, json?: unknown) => call(server.url, method, `/scim/v2${path}`, { token, json });
    const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
    const old = await scim('POST', '/Users', { schemas: [CORE], userName: 'strict.user', displayName: 'Strict', externalId: 'strict@patch.test' });
    expect(old.status).toBe(201);
    await call(server.url, 'PUT', '/team/settings', { token: team.accessToken, json: { scim_profile: 'directory' } });
    // Strict rules still: externalId is required, so removing it is refused.
    expectScimError(await scim('PATCH', `/Users/${old.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'externalId' }] }), 400);
    const suspended = await scim('PATCH', `/Users/${old.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ userName: 'strict.user', active: false });
    // Setting userName (path in capitals): the directory rules, where a login name may carry capitals.
    const renamed = await scim('PATCH', `/Users/${old.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'USERNAME', value: 'Strict.User@Patch.Test' }] });
    expect(renamed.status).toBe(200);
    expect(renamed.body.userName).toBe('Strict.User@Patch.Test');
  });

  test('When discovery is read with a directory team\'s token, then the User schema says displayName is optional and userName is the login name; without a token it is the strict schema', async () => {
    const { token } = await teamWithProfile('Discovery', 'directory');
    const userSchema = (body: { Resources: Array<{ id: string; attributes: Array<{ name: string; required: boolean; description: string }> }> }) =>
      body.Resources.find((r) => r.id === CORE)!.attributes;
    const withToken = await call(server.url, 'GET', '/scim/v2/Schemas', { token });
    expect(withToken.status).toBe(200);
    expect(userSchema(withToken.body).find((a) => a.name === 'displayName')!.required).toBe(false);
    expect(userSchema(withToken.body).find((a) => a.name === 'userName')!.description).toContain('login name');
    const single = await call(server.url, 'GET', `/scim/v2/Schemas/${CORE}`, { token });
    expect(single.body.attributes.find((a: { name: string }) => a.name === 'displayName').required).toBe(false);

    const anonymous = await call(server.url, 'GET', '/scim/v2/Schemas');
    expect(userSchema(anonymous.body).find((a) => a.name === 'displayName')!.required).toBe(true);
    expect(userSchema(anonymous.body).find((a) => a.name === 'userName')!.description).toContain('a-z0-9_.-');
    expect((await call(server.url, 'GET', '/scim/v2/Schemas', { token: 'not-a-token' })).status).toBe(401);
  });

  test('When the IdP renames a directory user, then the handle follows a new login name but not a change of case, and the old NameID no longer signs in', async () => {
    const { scim } = await teamWithProfile('Rename', 'directory');
    const suffix = randomUUID().slice(0, 6);
    const created = await scim('POST', '/Users', { schemas: [CORE], userName: `Jane.Doe.${suffix}@Acme.com` });
    const id = created.body.id as string;
    const handleOf = async () => (await server.services.store.users.getAnyTeam(id))!.handle;
    const first = await handleOf();
    await server.services.store.users.update({ ...(await server.services.store.users.getAnyTeam(id))!, nameId: `jane.doe.${suffix}@acme.com` }, (await server.services.store.users.getAnyTeam(id))!.version);
    const patch = (value: string) => scim('PATCH', `/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'userName', value }] });

    const recased = await patch(`JANE.DOE.${suffix}@ACME.COM`);
    expect(recased.body.userName).toBe(`JANE.DOE.${suffix}@ACME.COM`);
    expect(await handleOf()).toBe(first);
    expect((await server.services.store.users.getAnyTeam(id))!.nameId).toBe(`jane.doe.${suffix}@acme.com`);

    const renamed = await patch(`Jane.Smith.${suffix}@Acme.com`);
    expect(renamed.body.userName).toBe(`Jane.Smith.${suffix}@Acme.com`);
    expect(await handleOf()).toMatch(new RegExp(`^jane\\.smith\\.${suffix}`));
    expect((await server.services.store.users.getAnyTeam(id))!.nameId).toBeNull();
  });

  test('When an attacker with another team\'s token probes a userName team A uses, then lookups find nothing, a create succeeds, and nothing reveals team A\'s person', async () => {
    const victim = await teamWithProfile('Victim', 'directory');
    const attacker = await teamWithProfile('Attacker', 'directory');
    const userName = `ceo.${randomUUID().slice(0, 6)}@Victim.com`;
    const person = await victim.scim('POST', '/Users', { schemas: [CORE], userName });
    expect((await attacker.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)).body.totalResults).toBe(0);
    expect((await attacker.scim('GET', `/Users/${person.body.id}`)).status).toBe(404);
    const probe = await attacker.scim('POST', '/Users', { schemas: [CORE], userName: userName.toLowerCase() });
    expect(probe.status).toBe(201);
    expect(JSON.stringify(probe.body)).not.toContain(person.body.id);
  });

  test('When two creates race with one userName in different case, then exactly one is created and the other is a 409; racing creates in two teams both succeed with distinct handles', async () => {
    const { scim } = await teamWithProfile('Race', 'directory');
    const userName = `Race.${randomUUID().slice(0, 6)}@X.com`;
    const replies = await Promise.all([userName, userName.toLowerCase(), userName.toUpperCase()].map((u) => scim('POST', '/Users', { schemas: [CORE], userName: u })));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409]);

    const teams = await Promise.all([teamWithProfile('Race A', 'directory'), teamWithProfile('Race B', 'directory')]);
    const shared = `Same.${randomUUID().slice(0, 6)}@X.com`;
    const created = await Promise.all(teams.map((t) => t.scim('POST', '/Users', { schemas: [CORE], userName: shared })));
    expect(created.map((r) => r.status)).toEqual([201, 201]);
    const handles = await Promise.all(created.map(async (r) => (await server.services.store.users.getAnyTeam(r.body.id))!.handle));
    expect(handles[0]).not.toBe(handles[1]);
  });
});
