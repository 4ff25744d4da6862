/**
 * Group-managed roles through the real server: an owner switches them on, the IdP moves people in
 * and out of the role groups, and the roles (read per request) change at once.
 */
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../../src/accounts/passwords';
import type { Role } from '../../../src/store/port';
import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { newUser } from '../../support/store-fixtures';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Person {
  id: string;
  email: string;
  accessToken: string;
}

describe('Group-managed roles', () => {
  let server: TestServer;
  let acme: TestTeam;
  let scimToken: string;
  let admin: Person;
  let member: Person;
  let adminsGroup: string;
  let membersGroup: string;

  /** A password account the owner has handed to the directory (managed_by scim, externalId = email): SCIM may move it between groups. */
  async function signedInUser(role: Role): Promise<Person> {
    const email = `${role}-${randomUUID().slice(0, 8)}@acme.test`;
    const user = await server.services.store.users.create(newUser(acme.teamId, { email, externalId: email, role, managedBy: 'scim', passwordHash: await hashPassword('a long enough password') }));
    const login = await call(server.url, 'POST', '/login', { json: { email, password: 'a long enough password' } });
    expect(login.status).toBe(200);
    return { id: user.id, email, accessToken: login.body.access_token };
  }

  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    scimToken = await createScimToken(server, acme, 'Entra ID');
    admin = await signedInUser('admin');
    member = await signedInUser('member');
  });
  afterAll(() => server.close());

  const self = async (p: { accessToken: string }) => (await call(server.url, 'GET', '/self', { token: p.accessToken })).body;
  const patch = (id: string, operations: unknown[]) =>
    call(server.url, 'PATCH', `/scim/v2/Groups/${id}`, { token: scimToken, json: { schemas: [PATCH_OP], Operations: operations } });

  test('When an admin (not an owner) tries to switch group-managed roles on, then 403 and nothing changes', async () => {
    const r = await call(server.url, 'PUT', '/team/settings', { token: admin.accessToken, json: { group_managed_roles: true } });
    expect(r.status).toBe(403);
    expect(r.body.label).toBe('owner-only');
    expect((await call(server.url, 'GET', '/team/settings', { token: acme.accessToken })).body).toEqual({ group_managed_roles: false, validate_saml_emails: false, scim_profile: 'strict', role_groups: [] });
    expect((await call(server.url, 'GET', '/team/settings', { token: member.accessToken })).status).toBe(403);
    expect((await call(server.url, 'PUT', '/team/settings', { token: acme.accessToken, json: { group_managed_roles: 'yes' } })).status).toBe(400);
  });

  test('When the owner switches them on, then the role groups exist (no Owners group), the admin is in the admin group and it is audited', async () => {
    const r = await call(server.url, 'PUT', '/team/settings', { token: acme.accessToken, json: { group_managed_roles: true } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      group_managed_roles: true,
      validate_saml_emails: false,
      scim_profile: 'strict',
      role_groups: [
        { id: expect.any(String), display_name: 'Gatehouse Admins', role: 'admin' },
        { id: expect.any(String), display_name: 'Gatehouse Members', role: 'member' },
      ],
    });
    [adminsGroup, membersGroup] = r.body.role_groups.map((g: { id: string }) => g.id);
    const listed = await call(server.url, 'GET', '/scim/v2/Groups?sortBy=displayName', { token: scimToken });
    expect(listed.body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['Gatehouse Admins', 'Gatehouse Members']);
    expect(listed.body.Resources[0].members.map((m: { value: string }) => m.value)).toEqual([admin.id]);
    expect((await self(admin)).role).toBe('admin');
    expect((await call(server.url, 'GET', '/team', { token: acme.accessToken })).body.group_managed_roles).toBe(true);
    const audit = await server.services.store.audit.list({ teamId: acme.teamId, action: 'team.settings.changed', limit: 10 });
    expect(audit[0]).toMatchObject({ actor: { type: 'user', id: acme.ownerId }, details: { group_managed_roles: { from: false, to: true } } });
  });

  test('When the IdP adds a member to the admin group, then GET /self shows admin at once and the new admin may list SCIM tokens', async () => {
    expect((await call(server.url, 'GET', '/scim/auth-tokens', { token: member.accessToken })).status).toBe(403);
    expect((await patch(adminsGroup, [{ op: 'Add', path: 'members', value: [{ value: member.id }] }])).status).toBe(204);
    expect((await self(member)).role).toBe('admin');
    expect((await call(server.url, 'GET', '/scim/auth-tokens', { token: member.accessToken })).status).toBe(200);
  });

  test('When the IdP removes an admin from the admin group, then the same access token loses admin rights immediately', async () => {
    expect((await call(server.url, 'GET', '/scim/auth-tokens', { token: admin.accessToken })).status).toBe(200);
    expect((await patch(adminsGroup, [{ op: 'Remove', path: `members[value eq "${admin.id}"]` }])).status).toBe(204);
    expect((await self(admin)).role).toBe('member');
    const denied = await call(server.url, 'GET', '/scim/auth-tokens', { token: admin.accessToken });
    expect(denied.status).toBe(403);
    expect(denied.body.label).toBe('insufficient-role');
  });

  test('When a user is in both role groups and leaves the admin group, then the next role held through groups applies', async () => {
    await patch(membersGroup, [{ op: 'add', path: 'members', value: [{ value: member.id }] }]);
    expect((await self(member)).role).toBe('admin'); // the higher of admin and member
    await patch(adminsGroup, [{ op: 'remove', path: 'members', value: [{ value: member.id }] }]);
    expect((await self(member)).role).toBe('member');
  });

  test("When the IdP tries to put the owner (a password account outside the directory) in a role group, then it is an unknown member and the owner stays owner", async () => {
    const add = await patch(adminsGroup, [{ op: 'add', path: 'members', value: [{ value: acme.ownerId }] }]);
    expect(add.status).toBe(400);
    expect(add.body.detail).toContain(`no user of this team has the id "${acme.ownerId}"`);
    expect((await patch(membersGroup, [{ op: 'add', path: 'members', value: [{ value: acme.ownerId }] }])).status).toBe(400);
    await patch(adminsGroup, [{ op: 'remove', path: 'members' }]);
    await patch(membersGroup, [{ op: 'replace', path: 'members', value: [] }]);
    expect((await self(acme)).role).toBe('owner');
    expect((await call(server.url, 'GET', '/scim/auth-tokens', { token: acme.accessToken })).status).toBe(200);
  });

  test('When a SCIM client tries to suspend or delete the password owner, then 404 as for an unknown id and the owner keeps the team', async () => {
    const okta = await call(server.url, 'PATCH', `/scim/v2/Users/${acme.ownerId}`, { token: scimToken, json: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'externalId', value: 'owner@acme.test' }, { op: 'replace', value: { active: false } }] } });
    expect(okta.status).toBe(404);
    const del = await call(server.url, 'DELETE', `/scim/v2/Users/${acme.ownerId}`, { token: scimToken });
    expect(del.status).toBe(404);
    expect((await self(acme)).status).toBe('active');
  });

  test('When a SCIM client tries to suspend or delete an owner handed to the directory, then 400 mutability: SCIM never removes an owner', async () => {
    const handed = await signedInUser('owner');
    const okta = await call(server.url, 'PATCH', `/scim/v2/Users/${handed.id}`, { token: scimToken, json: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] } });
    expect(okta.status).toBe(400);
    expect(okta.body).toMatchObject({ scimType: 'mutability', detail: expect.stringMatching(/owner .* cannot be suspended/) });
    const del = await call(server.url, 'DELETE', `/scim/v2/Users/${handed.id}`, { token: scimToken });
    expect(del.status).toBe(400);
    expect(del.body.detail).toMatch(/cannot be deleted/);
    expect((await self(handed)).status).toBe('active');
  });

  test('When the IdP renames or deletes a role group, then 400 mutability with a detail saying why', async () => {
    const rename = await patch(adminsGroup, [{ op: 'replace', path: 'displayName', value: 'Admins' }]);
    expect(rename.status).toBe(400);
    expect(rename.body).toMatchObject({ scimType: 'mutability', detail: expect.stringMatching(/role group .* admin role/) });
    const put = await call(server.url, 'PUT', `/scim/v2/Groups/${adminsGroup}`, { token: scimToken, json: { displayName: 'Admins' } });
    expect(put.body.scimType).toBe('mutability');
    const del = await call(server.url, 'DELETE', `/scim/v2/Groups/${membersGroup}`, { token: scimToken });
    expect(del.status).toBe(400);
    expect(del.body).toMatchObject({ scimType: 'mutability', detail: expect.stringMatching(/cannot be deleted/) });
    // Members of a role group can still change with the same displayName sent back (Okta's PUT).
    const same = await call(server.url, 'PUT', `/scim/v2/Groups/${adminsGroup}`, { token: scimToken, json: { displayName: 'Gatehouse Admins', members: [{ value: admin.id }] } });
    expect(same.status).toBe(200);
    expect((await self(admin)).role).toBe('admin');
  });

  test('When roles change through groups, then each change is audited with the SCIM token as actor', async () => {
    const entries = await server.services.store.audit.list({ teamId: acme.teamId, action: 'user.role.changed', limit: 100 });
    const forAdmin = entries.filter((e) => e.targetId === admin.id).reverse();
    expect(forAdmin.map((e) => [e.details.from, e.details.to])).toEqual([['admin', 'member'], ['member', 'admin']]);
    expect(forAdmin[0]).toMatchObject({ actor: { type: 'scim-token', name: 'Entra ID' }, details: { via: 'group', group: 'Gatehouse Admins' } });
    expect(entries.some((e) => e.targetId === acme.ownerId)).toBe(false);
  });

  test('When the owner switches them off, then roles stay and role groups become ordinary groups', async () => {
    const r = await call(server.url, 'PUT', '/team/settings', { token: acme.accessToken, json: { group_managed_roles: false } });
    expect(r.body.group_managed_roles).toBe(false);
    expect((await patch(adminsGroup, [{ op: 'remove', path: 'members' }])).status).toBe(204);
    expect((await self(admin)).role).toBe('admin');
    expect((await patch(adminsGroup, [{ op: 'replace', path: 'displayName', value: 'Former Admins' }])).status).toBe(204);
  });
});
