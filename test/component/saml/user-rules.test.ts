import { randomUUID } from 'node:crypto';
import type { NewUser, User } from '../../../src/store/port';
import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { connectedIdp, labelOf, selfWithSession, signInThrough } from '../../support/sso';
import { TestIdp } from '../../support/test-idp';

const UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
const EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

/** Who a valid assertion signs in: bound users, the SCIM externalId link, rotation, suspension, JIT. */
describe('ACS user rules', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  async function teamWithIdp(name: string) {
    const team = await createTeam(server, name);
    const idp = TestIdp.create({ entityId: `https://idp.${name.toLowerCase()}.test/${randomUUID()}` });
    const idpId = await connectedIdp(server, team, idp);
    return { team, idp, idpId };
  }

  /** A user as the SCIM Users API stores it (managed by SCIM, externalId set, no password). */
  async function scimUser(team: TestTeam, externalId: string, overrides: Partial<NewUser> = {}): Promise<User> {
    const suffix = randomUUID().slice(0, 8);
    return server.services.store.users.create({
      id: randomUUID(), teamId: team.teamId, handle: `scim.${suffix}`, email: null, displayName: `SCIM ${suffix}`, role: 'member', status: 'active', managedBy: 'scim',
      externalId, passwordHash: null, idpId: null, nameId: null, scim: {}, ...overrides,
    });
  }

  const get = (user: User) => server.services.store.users.get(user.teamId, user.id);

  /** The refusal's label from the redirect, checked against the audit entry it must have written. */
  async function refusalLabel(team: TestTeam, reply: { location: string | null; session: string | null }): Promise<string | null> {
    expect(reply.session).toBeNull();
    const label = labelOf(reply.location);
    const [entry] = await server.services.store.audit.list({ teamId: team.teamId, action: 'sso.login.refused', limit: 1 });
    expect(entry?.details.label).toBe(label);
    return label;
  }

  test('When a team has no SCIM token and an unknown person signs in, then they are signed up just in time as a member managed by SSO', async () => {
    const { team, idp, idpId } = await teamWithIdp('Initech');
    const reply = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'peter@initech.test', attributes: { givenName: 'Peter', surname: 'Gibbons' } });
    expect(reply.location).toBe('/me');
    const self = await selfWithSession(server, reply.session!);
    expect(self.body).toMatchObject({ name: 'Peter Gibbons', handle: 'peter', role: 'member', managed_by: 'sso', email: null });
    const stored = await server.services.store.users.findByNameId(team.teamId, idpId, 'peter@initech.test');
    expect(stored).toMatchObject({ id: self.body.id, idpId, managedBy: 'sso' });
    const audit = await server.services.store.audit.list({ teamId: team.teamId, action: 'user.created', limit: 5 });
    expect(audit[0]).toMatchObject({ targetId: self.body.id, details: { via: 'sso-jit' } });
  });

  test('When two JIT sign-ups derive the same handle, then the second gets a unique one; an unspecified NameID uses the display name', async () => {
    const { team, idp, idpId } = await teamWithIdp('Hooli');
    const first = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'gavin@hooli.test' });
    const second = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'gavin@hooli.example' });
    const third = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'E-0042', nameIdFormat: UNSPECIFIED, attributes: { 'http://schemas.microsoft.com/identity/claims/displayname': 'Big Head' } });
    expect((await selfWithSession(server, first.session!)).body.handle).toBe('gavin');
    expect((await selfWithSession(server, second.session!)).body.handle).toBe('gavin-2');
    expect((await selfWithSession(server, third.session!)).body).toMatchObject({ handle: 'big-head', name: 'Big Head' });
  });

  test('When the team has a SCIM token and an unknown person signs in, then not-provisioned and no user is created', async () => {
    const { team, idp, idpId } = await teamWithIdp('Umbrella');
    await createScimToken(server, team);
    const reply = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'alice@umbrella.test' });
    expect(await refusalLabel(team, reply)).toBe('not-provisioned');
    expect(await server.services.store.users.countByTeam(team.teamId)).toBe(1); // the owner only
  });

  test('When the last SCIM token is deleted, then just-in-time signup is on again', async () => {
    const { team, idp, idpId } = await teamWithIdp('Vandelay');
    await createScimToken(server, team);
    expect(await refusalLabel(team, await signInThrough(server, idp, team.teamId, idpId, { nameId: 'art@vandelay.test' }))).toBe('not-provisioned');
    const [token] = (await call(server.url, 'GET', '/scim/auth-tokens', { token: team.accessToken })).body.tokens;
    expect((await call(server.url, 'DELETE', `/scim/auth-tokens?id=${token.id}`, { token: team.accessToken })).status).toBe(204);
    expect((await signInThrough(server, idp, team.teamId, idpId, { nameId: 'art@vandelay.test' })).session).not.toBeNull();
  });

  test('When a SCIM user with an email externalId signs in with that emailAddress NameID, then that user is bound and signed in', async () => {
    const { team, idp, idpId } = await teamWithIdp('Stark');
    await createScimToken(server, team);
    const user = await scimUser(team, 'Pepper.Potts@stark.test');
    const reply = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'Pepper.Potts@stark.test', nameIdFormat: EMAIL });
    expect((await selfWithSession(server, reply.session!)).body.id).toBe(user.id);
    expect(await get(user)).toMatchObject({ idpId, nameId: 'Pepper.Potts@stark.test', managedBy: 'scim', version: user.version + 1 });
    // The next sign-in finds the binding directly.
    const again = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'Pepper.Potts@stark.test', nameIdFormat: EMAIL });
    expect((await selfWithSession(server, again.session!)).body.id).toBe(user.id);
  });

  test('When a SCIM user with a non-email externalId signs in with that unspecified NameID (or none given), then that user is bound', async () => {
    const { team, idp, idpId } = await teamWithIdp('Wayne');
    await createScimToken(server, team);
    const bruce = await scimUser(team, 'EMP-0001');
    const alfred = await scimUser(team, 'EMP-0002');
    expect((await selfWithSession(server, (await signInThrough(server, idp, team.teamId, idpId, { nameId: 'EMP-0001', nameIdFormat: UNSPECIFIED })).session!)).body.id).toBe(bruce.id);
    expect((await selfWithSession(server, (await signInThrough(server, idp, team.teamId, idpId, { nameId: 'EMP-0002', nameIdFormat: null })).session!)).body.id).toBe(alfred.id);
  });

  test('When the NameID differs from the externalId only in case, then it does not match (not-provisioned) and the user is unchanged', async () => {
    const { team, idp, idpId } = await teamWithIdp('Cyberdyne');
    await createScimToken(server, team);
    const miles = await scimUser(team, 'miles@cyberdyne.test');
    const reply = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'Miles@Cyberdyne.test' });
    expect(await refusalLabel(team, reply)).toBe('not-provisioned');
    expect(await get(miles)).toEqual(miles);
  });

  test('When the NameID format does not match the externalId shape, then nameid-format-mismatch and the user is unchanged', async () => {
    const { team, idp, idpId } = await teamWithIdp('Tyrell');
    await createScimToken(server, team);
    const rachael = await scimUser(team, 'rachael@tyrell.test');
    const reply = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'rachael@tyrell.test', nameIdFormat: UNSPECIFIED });
    expect(await refusalLabel(team, reply)).toBe('nameid-format-mismatch');
    expect(await get(rachael)).toEqual(rachael);
  });

  test('When a suspended user signs in, then account-suspended, whether bound already or found through externalId', async () => {
    const { team, idp, idpId } = await teamWithIdp('Oscorp');
    await createScimToken(server, team);
    const norman = await scimUser(team, 'norman@oscorp.test', { status: 'suspended' });
    expect(await refusalLabel(team, await signInThrough(server, idp, team.teamId, idpId, { nameId: 'norman@oscorp.test' }))).toBe('account-suspended');
    expect(await get(norman)).toEqual(norman);
    const harry = await scimUser(team, 'harry@oscorp.test');
    expect((await signInThrough(server, idp, team.teamId, idpId, { nameId: 'harry@oscorp.test' })).session).not.toBeNull();
    const bound = (await get(harry))!;
    await server.services.store.users.update({ ...bound, status: 'suspended' }, bound.version);
    const refused = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'harry@oscorp.test' });
    expect(await refusalLabel(team, refused)).toBe('account-suspended');
    expect(refused.session).toBeNull();
  });

  test('When a SCIM token bound to one IdP provisioned the user, then only that IdP can sign them in', async () => {
    const { team, idp, idpId } = await teamWithIdp('Massive');
    const other = TestIdp.create({ entityId: `https://other.massive.test/${randomUUID()}` });
    const otherId = await connectedIdp(server, team, other);
    const token = await call(server.url, 'POST', '/scim/auth-tokens', { token: team.accessToken, json: { description: 'bound', password: team.password, idp: idpId } });
    expect(token.status).toBe(200);
    expect(token.body.info.idp).toBe(idpId);
    // What the SCIM Users API stores for a user created with an IdP-bound token: reserved for that IdP, not yet signed in.
    const user = await scimUser(team, 'nina@massive.test', { idpId, nameId: null });
    const wrong = await signInThrough(server, other, team.teamId, otherId, { nameId: 'nina@massive.test' });
    expect(await refusalLabel(team, wrong)).toBe('bound-to-another-idp');
    expect(await get(user)).toEqual(user);
    const right = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'nina@massive.test' });
    expect((await selfWithSession(server, right.session!)).body.id).toBe(user.id);
  });

  test('When a SCIM token names an IdP of another team or none at all, then it is refused with unknown-idp', async () => {
    const { team } = await teamWithIdp('Soylent');
    const { idpId: foreign } = await teamWithIdp('Acme Foreign');
    for (const idp of [foreign, randomUUID(), 'not-a-uuid']) {
      const res = await call(server.url, 'POST', '/scim/auth-tokens', { token: team.accessToken, json: { description: 'x', password: team.password, idp } });
      expect(res.status).toBe(400);
      expect(res.body.label).toBe('unknown-idp');
    }
  });

  test('When an IdP is replaced, then its users move to the new IdP on their next sign-in through it', async () => {
    const { team, idp, idpId } = await teamWithIdp('Aperture');
    const first = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'chell@aperture.test' });
    const chellId = (await selfWithSession(server, first.session!)).body.id;
    const next = TestIdp.create({ entityId: `https://new.aperture.test/${randomUUID()}` });
    const nextId = await connectedIdp(server, team, next, `?replaces=${idpId}`);
    expect(await server.services.store.users.get(team.teamId, chellId)).toMatchObject({ idpId });
    const moved = await signInThrough(server, next, team.teamId, nextId, { nameId: 'chell@aperture.test' });
    expect((await selfWithSession(server, moved.session!)).body.id).toBe(chellId);
    expect(await server.services.store.users.get(team.teamId, chellId)).toMatchObject({ idpId: nextId, nameId: 'chell@aperture.test' });
    const audit = await server.services.store.audit.list({ teamId: team.teamId, action: 'sso.user.moved', limit: 5 });
    expect(audit[0]).toMatchObject({ targetId: chellId, details: { fromIdp: idpId, idp: nextId } });
    expect(await server.services.store.users.countByTeam(team.teamId)).toBe(2);
  });

  test('When an IdP is replaced by one with the same entityID (key rotation), then the new connection takes over and users move', async () => {
    const { team, idp, idpId } = await teamWithIdp('BlackMesa');
    const gordon = await signInThrough(server, idp, team.teamId, idpId, { nameId: 'gordon@blackmesa.test' });
    const gordonId = (await selfWithSession(server, gordon.session!)).body.id;
    const rotated = TestIdp.create({ entityId: idp.entityId });
    const rotatedId = await connectedIdp(server, team, rotated, `?replaces=${idpId}`);
    const reply = await signInThrough(server, rotated, team.teamId, rotatedId, { nameId: 'gordon@blackmesa.test' });
    expect((await selfWithSession(server, reply.session!)).body.id).toBe(gordonId);
    // The old key no longer signs for this entityID in unsolicited responses: its connection was replaced.
    const list = await call(server.url, 'GET', '/identity-providers', { token: team.accessToken });
    expect(list.body.providers.find((p: { id: string }) => p.id === idpId)).toMatchObject({ replaced_by: rotatedId, users: 0 });
  });
});
