import { randomUUID } from 'node:crypto';
import { UniqueConstraintError, type IdentityProvider, type SamlRequest, type ScimToken, type Session, type Team } from '../../../src/store/port';
import { minutesFrom, newTeam, newUser, uniqueSuffix } from '../../support/store-fixtures';
import type { GetStore } from '../store.contract';

export function newIdp(teamId: string, overrides: Partial<IdentityProvider> = {}): IdentityProvider {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    teamId,
    handle: null,
    entityId: `https://idp.test/${uniqueSuffix()}`,
    metadataXml: '<md:EntityDescriptor/>',
    metadataUrl: null,
    signingCerts: ['MIIBcert'],
    ssoPostUrl: 'https://idp.test/sso',
    ssoRedirectUrl: null,
    replacesId: null,
    replacedById: null,
    allowIdpInitiated: false,
    requireEncryptedAssertions: false,
    metadataRefreshedAt: null,
    metadataRefreshError: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

function newRequest(team: Team, idpId: string, minutes: number, overrides: Partial<SamlRequest> = {}): SamlRequest {
  const now = new Date().toISOString();
  return {
    id: `_${randomUUID().replace(/-/g, '')}`,
    teamId: team.id,
    idpId,
    successRedirect: '/me',
    errorRedirect: null,
    testRunId: null,
    createdAt: now,
    expiresAt: minutesFrom(now, minutes),
    consumedAt: null,
    ...overrides,
  };
}

const uniqueField = async (p: Promise<unknown>): Promise<string> => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof UniqueConstraintError)) throw new Error(`expected UniqueConstraintError, got ${String(e)}`);
  return e.field;
};

export function identityProvidersContract(store: GetStore): void {
  let team: Team;
  beforeEach(async () => {
    team = newTeam();
    await store().teams.create(team);
  });

  test('When an IdP is created, then it reads back by id, any-team id, entityID and team list', async () => {
    const idp = newIdp(team.id, { handle: 'Entra', signingCerts: ['A', 'B'], metadataUrl: 'https://idp.test/md', metadataRefreshedAt: new Date().toISOString() });
    expect(await store().idps.create(idp)).toEqual(idp);
    expect(await store().idps.get(team.id, idp.id)).toEqual(idp);
    expect(await store().idps.getAnyTeam(idp.id)).toEqual(idp);
    expect(await store().idps.findByEntityId(team.id, idp.entityId)).toEqual(idp);
    expect(await store().idps.list(team.id)).toEqual([idp]);
    expect((await store().idps.listWithMetadataUrl()).map((i) => i.id)).toContain(idp.id);
    const other = newTeam();
    await store().teams.create(other);
    expect(await store().idps.get(other.id, idp.id)).toBeNull();
    expect(await store().idps.findByEntityId(other.id, idp.entityId)).toBeNull();
  });

  test('When a second IdP of the team has the same entityID or handle, then the store refuses it; another team may', async () => {
    const first = newIdp(team.id, { handle: 'okta' });
    await store().idps.create(first);
    expect(await uniqueField(store().idps.create(newIdp(team.id, { entityId: first.entityId })))).toBe('entityId');
    expect(await uniqueField(store().idps.create(newIdp(team.id, { handle: 'okta' })))).toBe('handle');
    const other = newTeam();
    await store().teams.create(other);
    await expect(store().idps.create(newIdp(other.id, { entityId: first.entityId, handle: 'okta' }))).resolves.toBeTruthy();
    expect(await store().idps.list(team.id)).toHaveLength(1);
  });

  test('When an IdP replaces one with the same entityID, then the old one is marked replaced and the new one claims the entityID', async () => {
    const old = newIdp(team.id);
    await store().idps.create(old);
    const next = newIdp(team.id, { entityId: old.entityId, replacesId: old.id });
    await store().idps.create(next);
    expect((await store().idps.get(team.id, old.id))!.replacedById).toBe(next.id);
    expect((await store().idps.findByEntityId(team.id, old.entityId))!.id).toBe(next.id);
    expect(await uniqueField(store().idps.create(newIdp(team.id, { replacesId: old.id })))).toBe('replacesId');
    expect(await uniqueField(store().idps.create(newIdp(team.id, { replacesId: randomUUID() })))).toBe('replacesId');
    expect(await store().idps.list(team.id)).toHaveLength(2);
  });

  test('When the replacing IdP is deleted, then the replaced one claims its entityID again', async () => {
    const old = newIdp(team.id);
    await store().idps.create(old);
    const next = newIdp(team.id, { entityId: old.entityId, replacesId: old.id });
    await store().idps.create(next);
    expect(await store().idps.delete(team.id, next.id, false)).toEqual({ deleted: true, usersRemoved: 0, tokensRemoved: [], refused: false });
    expect(await store().idps.get(team.id, old.id)).toMatchObject({ replacedById: null });
    expect((await store().idps.findByEntityId(team.id, old.entityId))!.id).toBe(old.id);
  });

  test('When an IdP is updated, then its mutable fields change and uniqueness still holds', async () => {
    const a = newIdp(team.id, { handle: 'a' });
    const b = newIdp(team.id, { handle: 'b' });
    await store().idps.create(a);
    await store().idps.create(b);
    const changed = { ...a, signingCerts: ['C'], allowIdpInitiated: true, requireEncryptedAssertions: true, metadataRefreshError: 'boom', updatedAt: new Date(Date.now() + 1000).toISOString() };
    expect(await store().idps.update(changed)).toEqual(changed);
    expect(await uniqueField(store().idps.update({ ...a, entityId: b.entityId }))).toBe('entityId');
    expect(await uniqueField(store().idps.update({ ...a, handle: 'b' }))).toBe('handle');
    expect(await store().idps.update(newIdp(team.id))).toBeNull();
    expect(await store().idps.get(team.id, a.id)).toEqual(changed);
  });

  test('When users are bound to an IdP, then delete is refused without purge and removes exactly them (and their sessions) with it', async () => {
    const idp = newIdp(team.id);
    const other = newIdp(team.id);
    await store().idps.create(idp);
    await store().idps.create(other);
    const bound = await store().users.create(newUser(team.id, { idpId: idp.id, nameId: 'ada@acme.test' }));
    const reserved = await store().users.create(newUser(team.id, { idpId: idp.id, nameId: null }));
    const elsewhere = await store().users.create(newUser(team.id, { idpId: other.id, nameId: 'ada@acme.test' }));
    const now = new Date().toISOString();
    const session: Session = { tokenHash: `h-${uniqueSuffix()}`, kind: 'session', userId: bound.id, teamId: team.id, createdAt: now, expiresAt: minutesFrom(now, 60) };
    await store().sessions.create(session);
    expect(await store().idps.countUsers(team.id, idp.id)).toBe(2);

    expect(await store().idps.delete(team.id, idp.id, false)).toEqual({ deleted: false, usersRemoved: 0, tokensRemoved: [], refused: true });
    expect(await store().idps.get(team.id, idp.id)).not.toBeNull();
    expect(await store().users.get(team.id, bound.id)).not.toBeNull();

    expect(await store().idps.delete(team.id, idp.id, true)).toEqual({ deleted: true, usersRemoved: 2, tokensRemoved: [], refused: false });
    expect(await store().idps.get(team.id, idp.id)).toBeNull();
    expect(await store().users.get(team.id, bound.id)).toBeNull();
    expect(await store().users.get(team.id, reserved.id)).toBeNull();
    expect(await store().sessions.findValid(session.tokenHash, now)).toBeNull();
    expect(await store().users.get(team.id, elsewhere.id)).not.toBeNull();
    expect(await store().idps.delete(team.id, idp.id, true)).toEqual({ deleted: false, usersRemoved: 0, tokensRemoved: [], refused: false });
  });

  test('When another team deletes by this IdP id, then nothing happens', async () => {
    const idp = newIdp(team.id);
    await store().idps.create(idp);
    const other = newTeam();
    await store().teams.create(other);
    expect(await store().idps.delete(other.id, idp.id, true)).toEqual({ deleted: false, usersRemoved: 0, tokensRemoved: [], refused: false });
    expect(await store().idps.get(team.id, idp.id)).not.toBeNull();
  });

  test('When a team has a SCIM token, then createUnlessTeamHasScimTokens writes nothing (JIT off); without one it creates the user with its audit entries', async () => {
    const jitTeam = newTeam();
    await store().teams.create(jitTeam);
    const first = newUser(jitTeam.id, { managedBy: 'sso' });
    const entry = { teamId: jitTeam.id, actor: { type: 'system' as const, id: null, name: 'sso' }, action: 'user.created', targetType: 'user', targetId: first.id, details: {} };
    expect(await store().users.createUnlessTeamHasScimTokens(first, [entry])).toMatchObject({ id: first.id });
    expect(await store().audit.list({ teamId: jitTeam.id, action: 'user.created', limit: 5 })).toHaveLength(1);
    const token: ScimToken = { id: randomUUID(), teamId: jitTeam.id, secretHash: `h-${uniqueSuffix()}`, name: 'T', description: 'd', idpId: null, createdAt: new Date().toISOString() };
    expect(await store().scimTokens.createWithinLimit(token, 8)).toBe('created');
    const second = newUser(jitTeam.id, { managedBy: 'sso' });
    expect(await store().users.createUnlessTeamHasScimTokens(second, [{ ...entry, targetId: second.id }])).toBeNull();
    expect(await store().users.get(jitTeam.id, second.id)).toBeNull();
    expect(await store().audit.list({ teamId: jitTeam.id, action: 'user.created', limit: 5 })).toHaveLength(1);
  });

  test('When an IdP is deleted, then the SCIM tokens bound to it go with it in the same write, and no other token', async () => {
    const idp = newIdp(team.id);
    const other = newIdp(team.id);
    await store().idps.create(idp);
    await store().idps.create(other);
    const token = (idpId: string | null): ScimToken => ({ id: randomUUID(), teamId: team.id, secretHash: `h-${uniqueSuffix()}`, name: 'T', description: 'd', idpId, createdAt: new Date().toISOString() });
    const bound = token(idp.id);
    const otherIdps = token(other.id);
    const unbound = token(null);
    for (const t of [bound, otherIdps, unbound]) expect(await store().scimTokens.createWithinLimit(t, 100)).toBe('created');
    expect(await store().idps.delete(team.id, idp.id, false)).toEqual({ deleted: true, usersRemoved: 0, tokensRemoved: [bound.id], refused: false });
    expect(await store().scimTokens.get(team.id, bound.id)).toBeNull();
    expect(await store().scimTokens.get(team.id, otherIdps.id)).not.toBeNull();
    expect(await store().scimTokens.get(team.id, unbound.id)).not.toBeNull();
  });

  test('When two users would share a (team, IdP, NameID), then the unique index refuses the second; NameID-less users never collide', async () => {
    const idp = newIdp(team.id);
    await store().idps.create(idp);
    const first = await store().users.create(newUser(team.id, { idpId: idp.id, nameId: 'E123' }));
    expect(await store().users.findByNameId(team.id, idp.id, 'E123')).toMatchObject({ id: first.id });
    expect(await store().users.findByNameId(team.id, idp.id, 'e123')).toBeNull();
    expect(await uniqueField(store().users.create(newUser(team.id, { idpId: idp.id, nameId: 'E123' })))).toBe('nameId');
    const second = await store().users.create(newUser(team.id, { idpId: idp.id, nameId: 'E124' }));
    expect(await uniqueField(store().users.update({ ...second, nameId: 'E123' }, second.version))).toBe('nameId');
    await store().users.create(newUser(team.id, { idpId: idp.id, nameId: null }));
    await store().users.create(newUser(team.id, { idpId: idp.id, nameId: null }));
  });

  test("When one user's externalId is another's bound NameID at an IdP that could sign it in, then the store refuses the second as 'subject' (one subject, one user)", async () => {
    const idp = newIdp(team.id);
    const other = newIdp(team.id);
    await store().idps.create(idp);
    await store().idps.create(other);
    const jit = await store().users.create(newUser(team.id, { managedBy: 'sso', idpId: idp.id, nameId: 'jit@acme.test' }));
    // Unreserved (any IdP could claim it) or reserved for the same IdP: a twin, refused.
    expect(await uniqueField(store().users.create(newUser(team.id, { externalId: 'jit@acme.test' })))).toBe('subject');
    expect(await uniqueField(store().users.create(newUser(team.id, { externalId: 'jit@acme.test', idpId: idp.id })))).toBe('subject');
    // Reserved for another IdP: a different subject (NameIDs are per IdP).
    await store().users.create(newUser(team.id, { managedBy: 'sso', idpId: idp.id, nameId: 'two@acme.test' }));
    await store().users.create(newUser(team.id, { externalId: 'two@acme.test', idpId: other.id }));
    // The same user may carry the value twice (externalId = its own NameID: an adopted user).
    const adopted = await store().users.update({ ...jit, externalId: 'jit@acme.test', managedBy: 'scim' }, jit.version);
    expect(adopted).toMatchObject({ externalId: 'jit@acme.test', nameId: 'jit@acme.test', idpId: idp.id });
    // An update that would make a twin is refused too, and changes nothing.
    const scim = await store().users.create(newUser(team.id, { externalId: 'E-777' }));
    expect(await uniqueField(store().users.update({ ...scim, externalId: 'jit@acme.test' }, scim.version))).toBe('subject');
    expect(await store().users.get(team.id, scim.id)).toMatchObject({ externalId: 'E-777', version: scim.version });
    // The other direction: binding a NameID that is an unreserved user's externalId.
    const bindMe = await store().users.create(newUser(team.id, { managedBy: 'sso', idpId: idp.id, nameId: 'x@acme.test' }));
    expect(await uniqueField(store().users.update({ ...bindMe, nameId: 'E-777' }, bindMe.version))).toBe('subject');
    expect(await uniqueField(store().users.create(newUser(team.id, { managedBy: 'sso', idpId: idp.id, nameId: 'E-777' })))).toBe('subject');
    // Another team's subjects are not this team's.
    const elsewhere = newTeam();
    await store().teams.create(elsewhere);
    await store().users.create(newUser(elsewhere.id, { externalId: 'jit@acme.test' }));
  });
}

export function samlRequestsContract(store: GetStore): void {
  let team: Team;
  beforeAll(async () => {
    team = newTeam();
    await store().teams.create(team);
  });

  test('When a request is stored, then find reads it without consuming it, and consume works once', async () => {
    const request = newRequest(team, randomUUID(), 10, { testRunId: randomUUID(), errorRedirect: 'https://app.test/err' });
    await store().samlRequests.create(request);
    expect(await store().samlRequests.find(request.id)).toEqual(request);
    expect(await store().samlRequests.find(request.id)).toEqual(request);
    const now = new Date().toISOString();
    expect(await store().samlRequests.consume(request.id, now)).toEqual({ status: 'consumed', request: { ...request, consumedAt: now } });
    expect(await store().samlRequests.consume(request.id, now)).toEqual({ status: 'reused', request: { ...request, consumedAt: now } });
    expect(await store().samlRequests.consume('_unknown', now)).toEqual({ status: 'unknown' });
    expect(await uniqueField(store().samlRequests.create(request))).toBe('id');
  });

  test('When a request is consumed after it expired, then it is "expired" and stays unconsumed', async () => {
    const request = newRequest(team, randomUUID(), 10);
    await store().samlRequests.create(request);
    expect(await store().samlRequests.consume(request.id, request.expiresAt)).toEqual({ status: 'expired', request });
    expect(await store().samlRequests.consume(request.id, minutesFrom(request.expiresAt, 1))).toEqual({ status: 'expired', request });
  });

  test('When 20 callers consume one request at once, then exactly one gets it', async () => {
    const request = newRequest(team, randomUUID(), 10);
    await store().samlRequests.create(request);
    const now = new Date().toISOString();
    const results = await Promise.all(Array.from({ length: 20 }, () => store().samlRequests.consume(request.id, now)));
    expect(results.filter((r) => r.status === 'consumed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'reused')).toHaveLength(19);
  });

  test('When expired requests are swept, then only those expired before the cut-off go', async () => {
    const old = newRequest(team, randomUUID(), -120);
    const fresh = newRequest(team, randomUUID(), 10);
    await store().samlRequests.create(old);
    await store().samlRequests.create(fresh);
    expect(await store().samlRequests.deleteExpired(minutesFrom(new Date().toISOString(), -60))).toBeGreaterThanOrEqual(1);
    expect(await store().samlRequests.find(old.id)).toBeNull();
    expect(await store().samlRequests.find(fresh.id)).toEqual(fresh);
  });
}

export function replayCacheContract(store: GetStore): void {
  test('When a key is remembered twice, then the second time says it was already there', async () => {
    const key = `assertion:${uniqueSuffix()}`;
    const expires = minutesFrom(new Date().toISOString(), 5);
    expect(await store().replayCache.remember(key, expires)).toBe(true);
    expect(await store().replayCache.remember(key, expires)).toBe(false);
    expect(await store().replayCache.remember(`${key}-other`, expires)).toBe(true);
  });

  test('When 20 instances remember one key at once, then exactly one is first', async () => {
    const key = `assertion:${uniqueSuffix()}`;
    const expires = minutesFrom(new Date().toISOString(), 5);
    const results = await Promise.all(Array.from({ length: 20 }, () => store().replayCache.remember(key, expires)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  test('When an entry has expired, then the key can be remembered again; sweeping removes only expired entries', async () => {
    const key = `lease:${uniqueSuffix()}`;
    const past = minutesFrom(new Date().toISOString(), -1);
    expect(await store().replayCache.remember(key, past)).toBe(true);
    expect(await store().replayCache.remember(key, minutesFrom(new Date().toISOString(), 5))).toBe(true);
    expect(await store().replayCache.remember(key, minutesFrom(new Date().toISOString(), 5))).toBe(false);
    const stale = `lease:${uniqueSuffix()}`;
    await store().replayCache.remember(stale, past);
    expect(await store().replayCache.deleteExpired(new Date().toISOString())).toBeGreaterThanOrEqual(1);
    expect(await store().replayCache.remember(key, minutesFrom(new Date().toISOString(), 5))).toBe(false);
  });
}

export function samlTestRunsContract(store: GetStore): void {
  test('When a test run is completed, then its report is stored once and read back by team', async () => {
    const team = newTeam();
    await store().teams.create(team);
    const now = new Date().toISOString();
    const run = { id: randomUUID(), teamId: team.id, idpId: randomUUID(), createdBy: null, createdAt: now, expiresAt: minutesFrom(now, 60), completedAt: null, report: null };
    await store().samlTestRuns.create(run);
    expect(await store().samlTestRuns.get(team.id, run.id)).toEqual(run);
    expect(await store().samlTestRuns.get(randomUUID(), run.id)).toBeNull();
    const report = { outcome: 'passed', attributes: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname': ['Ada'] }, checks: [{ name: 'signature', passed: true }] };
    expect(await store().samlTestRuns.complete(run.id, report, now)).toBe(true);
    expect(await store().samlTestRuns.complete(run.id, { outcome: 'failed' }, now)).toBe(false);
    expect(await store().samlTestRuns.getAnyTeam(run.id)).toEqual({ ...run, completedAt: now, report });
    expect(await store().samlTestRuns.deleteExpired(minutesFrom(now, 61))).toBeGreaterThanOrEqual(1);
    expect(await store().samlTestRuns.getAnyTeam(run.id)).toBeNull();
  });
}
