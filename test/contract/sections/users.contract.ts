import { UniqueConstraintError, VersionConflictError, type NewAuditEntry, type Session, type Team, type User } from '../../../src/store/port';
import { cmp, newTeam, newUser, uniqueSuffix } from '../../support/store-fixtures';
import type { GetStore } from '../store.contract';

export function usersContract(store: GetStore): void {
  let team: Team;
  let otherTeam: Team;

  beforeAll(async () => {
    team = newTeam();
    otherTeam = newTeam();
    await store().teams.create(team);
    await store().teams.create(otherTeam);
  });

  async function sessionFor(user: User): Promise<Session> {
    const now = new Date().toISOString();
    const session: Session = { tokenHash: `hash-${uniqueSuffix()}`, kind: 'access', userId: user.id, teamId: user.teamId, createdAt: now, expiresAt: '2999-01-01T00:00:00.000Z' };
    await store().sessions.create(session);
    return session;
  }

  describe('create and read', () => {
    test('When a user is created, then every lookup returns the same stored user', async () => {
      const s = uniqueSuffix();
      const input = newUser(team.id, {
        handle: `ada.${s}`,
        email: `Ada.${s}@Acme.test`,
        externalId: `ext-${s}`,
        idpId: 'idp-1',
        nameId: `ada.${s}@acme.test`,
        passwordHash: 'argon2-hash',
        scim: { name: { givenName: 'Ada' }, emails: [{ value: `ada.${s}@acme.test`, type: 'work', primary: true }] },
      });
      const created = await store().users.create(input);
      expect(created).toMatchObject({ ...input, version: 1 });
      expect(created.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(created.updatedAt).toBe(created.createdAt);

      expect(await store().users.get(team.id, input.id)).toEqual(created);
      expect(await store().users.getAnyTeam(input.id)).toEqual(created);
      expect(await store().users.findByEmail(`ADA.${s}@acme.TEST`)).toEqual(created);
      expect(await store().users.findByHandle(`ada.${s}`)).toEqual(created);
      expect(await store().users.findByExternalId(team.id, `ext-${s}`)).toEqual(created);
      expect(await store().users.findByNameId(team.id, 'idp-1', `ada.${s}@acme.test`)).toEqual(created);
    });

    test('When a user is looked up from another team, then it is not found', async () => {
      const user = await store().users.create(newUser(team.id, { externalId: `ext-${uniqueSuffix()}` }));
      expect(await store().users.get(otherTeam.id, user.id)).toBeNull();
      expect(await store().users.findByExternalId(otherTeam.id, user.externalId!)).toBeNull();
      expect(await store().users.get(team.id, 'no-such-user')).toBeNull();
    });

    test('When createdAt is given, then it is kept as both createdAt and updatedAt', async () => {
      const user = await store().users.create(newUser(team.id, { createdAt: '2020-02-02T02:02:02.000Z' }));
      expect(user.createdAt).toBe('2020-02-02T02:02:02.000Z');
      expect(user.updatedAt).toBe('2020-02-02T02:02:02.000Z');
    });

    test('When users are counted, then only that team is counted', async () => {
      const fresh = newTeam();
      await store().teams.create(fresh);
      await store().users.create(newUser(fresh.id));
      await store().users.create(newUser(fresh.id));
      expect(await store().users.countByTeam(fresh.id)).toBe(2);
    });
  });

  describe('uniqueness', () => {
    test('When a handle is reused on the instance, in any case, then the store refuses with "handle"', async () => {
      const handle = `dup.${uniqueSuffix()}`;
      await store().users.create(newUser(team.id, { handle }));
      await expect(store().users.create(newUser(otherTeam.id, { handle }))).rejects.toMatchObject({ field: 'handle' });
      const failure = store().users.create(newUser(otherTeam.id, { handle: handle.toUpperCase() }));
      await expect(failure).rejects.toBeInstanceOf(UniqueConstraintError);
      await expect(failure).rejects.toMatchObject({ field: 'handle' });
    });

    test('When an email is reused with different case, then the store refuses with "email"', async () => {
      const email = `mixed.${uniqueSuffix()}@acme.test`;
      await store().users.create(newUser(team.id, { email }));
      await expect(store().users.create(newUser(otherTeam.id, { email: email.toUpperCase() }))).rejects.toMatchObject({ field: 'email' });
    });

    test('When an externalId is reused in the same team, then the store refuses; another team may use it', async () => {
      const externalId = `ext-${uniqueSuffix()}`;
      await store().users.create(newUser(team.id, { externalId }));
      await expect(store().users.create(newUser(team.id, { externalId }))).rejects.toMatchObject({ field: 'externalId' });
      await expect(store().users.create(newUser(otherTeam.id, { externalId }))).resolves.toMatchObject({ externalId });
    });

    test('When many users have no email and no externalId, then they do not collide', async () => {
      await store().users.create(newUser(team.id, { email: null, externalId: null }));
      await expect(store().users.create(newUser(team.id, { email: null, externalId: null }))).resolves.toBeDefined();
    });

    test('When users are created in parallel with one handle, then exactly one wins', async () => {
      const handle = `race.${uniqueSuffix()}`;
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => store().users.create(newUser(team.id, { handle }))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ field: 'handle' });
    });
  });

  describe('update', () => {
    test('When a user is updated at the current version, then the fields change and the version goes up by one', async () => {
      const user = await store().users.create(newUser(team.id, { createdAt: '2021-01-01T00:00:00.000Z' }));
      const changed = { ...user, displayName: 'Changed', role: 'admin' as const, scim: { title: 'Boss' }, externalId: `ext-${uniqueSuffix()}` };
      const updated = await store().users.update(changed, 1);
      expect(updated).toMatchObject({ displayName: 'Changed', role: 'admin', scim: { title: 'Boss' }, version: 2, createdAt: user.createdAt });
      expect(updated!.updatedAt > user.updatedAt).toBe(true);
      expect(await store().users.get(team.id, user.id)).toEqual(updated);
    });

    test('When the expected version is stale, then VersionConflictError and nothing changes', async () => {
      const user = await store().users.create(newUser(team.id));
      await store().users.update({ ...user, displayName: 'First' }, 1);
      await expect(store().users.update({ ...user, displayName: 'Second' }, 1)).rejects.toBeInstanceOf(VersionConflictError);
      expect(await store().users.get(team.id, user.id)).toMatchObject({ displayName: 'First', version: 2 });
    });

    test('When the user no longer exists, then update returns null', async () => {
      const user = await store().users.create(newUser(team.id));
      await store().users.delete(team.id, user.id);
      expect(await store().users.update({ ...user, displayName: 'Ghost' }, 1)).toBeNull();
    });

    test('When an update takes a handle or email in use, then UniqueConstraintError and the user is unchanged', async () => {
      const taken = await store().users.create(newUser(team.id, { email: `taken.${uniqueSuffix()}@acme.test` }));
      const user = await store().users.create(newUser(team.id));
      await expect(store().users.update({ ...user, handle: taken.handle }, 1)).rejects.toMatchObject({ field: 'handle' });
      await expect(store().users.update({ ...user, email: taken.email!.toUpperCase() }, 1)).rejects.toMatchObject({ field: 'email' });
      expect(await store().users.get(team.id, user.id)).toEqual(user);
    });

    test('When a user is suspended, then their sessions are gone; an active update keeps them', async () => {
      const user = await store().users.create(newUser(team.id));
      const session = await sessionFor(user);
      const renamed = await store().users.update({ ...user, displayName: 'Still active' }, 1);
      expect(await store().sessions.findValid(session.tokenHash, new Date().toISOString())).not.toBeNull();
      await store().users.update({ ...renamed!, status: 'suspended' }, 2);
      expect(await store().sessions.findValid(session.tokenHash, new Date().toISOString())).toBeNull();
    });

    test('When the SCIM emails change, then email filters find the new address and not the old one', async () => {
      const s = uniqueSuffix();
      const user = await store().users.create(newUser(team.id, { scim: { emails: [{ value: `old.${s}@acme.test` }] } }));
      await store().users.update({ ...user, scim: { emails: [{ value: `new.${s}@acme.test`, type: 'work' }] } }, 1);
      const byOld = await store().users.list(team.id, { filter: cmp('emails.value', 'eq', `old.${s}@acme.test`), startIndex: 1, count: 10 });
      const byNew = await store().users.list(team.id, { filter: cmp('emails.value', 'eq', `NEW.${s}@acme.test`), startIndex: 1, count: 10 });
      expect(byOld.total).toBe(0);
      expect(byNew.items.map((u) => u.id)).toEqual([user.id]);
    });
  });

  describe('delete', () => {
    test('When a user is deleted, then it and its sessions are gone and a second delete returns false', async () => {
      const user = await store().users.create(newUser(team.id, { scim: { emails: [{ value: `gone.${uniqueSuffix()}@acme.test` }] } }));
      const session = await sessionFor(user);
      expect(await store().users.delete(team.id, user.id)).toBe(true);
      expect(await store().users.get(team.id, user.id)).toBeNull();
      expect(await store().sessions.findValid(session.tokenHash, new Date().toISOString())).toBeNull();
      expect(await store().users.delete(team.id, user.id)).toBe(false);
    });

    test('When another team asks to delete a user, then nothing is deleted', async () => {
      const user = await store().users.create(newUser(team.id));
      const session = await sessionFor(user);
      expect(await store().users.delete(otherTeam.id, user.id)).toBe(false);
      expect(await store().users.get(team.id, user.id)).toEqual(user);
      expect(await store().sessions.findValid(session.tokenHash, new Date().toISOString())).not.toBeNull();
    });

    test('When a deleted user’s handle and email are reused, then the new user is accepted', async () => {
      const user = await store().users.create(newUser(team.id, { email: `reuse.${uniqueSuffix()}@acme.test` }));
      await store().users.delete(team.id, user.id);
      await expect(store().users.create(newUser(team.id, { handle: user.handle, email: user.email }))).resolves.toMatchObject({ handle: user.handle });
    });
  });
  describe('audit entries committed with the write', () => {
    const entry = (teamId: string, action: string, targetId: string): NewAuditEntry => ({ teamId, actor: { type: 'scim-token', id: 'token-1', name: 'Entra' }, action, targetType: 'user', targetId, details: { note: action } });
    const actionsFor = async (teamId: string, targetId: string) =>
      (await store().audit.list({ teamId, limit: 50 })).filter((e) => e.targetId === targetId).map((e) => e.action).sort();

    test('When a create, an update and a delete carry audit entries, then each entry is stored with its write', async () => {
      const input = newUser(team.id);
      const created = await store().users.create(input, [entry(team.id, 'user.created', input.id), entry(team.id, 'user.suspended', input.id)]);
      expect(await actionsFor(team.id, input.id)).toEqual(['user.created', 'user.suspended']);
      await store().users.update({ ...created, displayName: 'Changed' }, created.version, [entry(team.id, 'user.patched', input.id)]);
      expect(await actionsFor(team.id, input.id)).toEqual(['user.created', 'user.patched', 'user.suspended']);
      expect(await store().users.delete(team.id, input.id, [entry(team.id, 'user.deleted', input.id)])).toBe(true);
      expect(await actionsFor(team.id, input.id)).toEqual(['user.created', 'user.deleted', 'user.patched', 'user.suspended']);
      const [stored] = (await store().audit.list({ teamId: team.id, limit: 50, action: 'user.deleted' })).filter((e) => e.targetId === input.id);
      expect(stored).toMatchObject({ actor: { type: 'scim-token', id: 'token-1', name: 'Entra' }, targetType: 'user', details: { note: 'user.deleted' } });
    });

    test('When a write fails (taken handle, stale version, other team, gone), then none of its audit entries is stored', async () => {
      const taken = await store().users.create(newUser(team.id));
      const clash = newUser(team.id, { handle: taken.handle });
      await expect(store().users.create(clash, [entry(team.id, 'user.created', clash.id)])).rejects.toBeInstanceOf(UniqueConstraintError);
      expect(await actionsFor(team.id, clash.id)).toEqual([]);

      await store().users.update({ ...taken, displayName: 'First' }, taken.version);
      await expect(store().users.update({ ...taken, displayName: 'Stale' }, taken.version, [entry(team.id, 'user.patched', taken.id)])).rejects.toBeInstanceOf(VersionConflictError);
      expect(await store().users.delete(otherTeam.id, taken.id, [entry(otherTeam.id, 'user.deleted', taken.id)])).toBe(false);
      expect(await actionsFor(otherTeam.id, taken.id)).toEqual([]);
      await store().users.delete(team.id, taken.id);
      expect(await store().users.update({ ...taken, displayName: 'Gone' }, taken.version + 1, [entry(team.id, 'user.patched', taken.id)])).toBeNull();
      expect(await store().users.delete(team.id, taken.id, [entry(team.id, 'user.deleted', taken.id)])).toBe(false);
      expect(await actionsFor(team.id, taken.id)).toEqual([]);
    });
  });
}
