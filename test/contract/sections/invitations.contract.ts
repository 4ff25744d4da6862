import { randomUUID } from 'node:crypto';
import { UniqueConstraintError, type Invitation, type Team, type User } from '../../../src/store/port';
import { minutesFrom, newTeam, newUser, uniqueSuffix } from '../../support/store-fixtures';
import type { GetStore } from '../store.contract';

export function invitationsContract(store: GetStore): void {
  let team: Team;

  beforeAll(async () => {
    team = newTeam();
    await store().teams.create(team);
  });

  async function pendingUser(): Promise<User> {
    const email = `invitee-${uniqueSuffix()}@acme.test`;
    return store().users.create(newUser(team.id, { status: 'pending', email, externalId: email }));
  }

  function newInvitation(user: User, overrides: Partial<Invitation> = {}): Invitation {
    const createdAt = new Date().toISOString();
    return {
      id: randomUUID(),
      purpose: 'invitation',
      teamId: user.teamId,
      userId: user.id,
      email: user.email ?? 'x@acme.test',
      tokenHash: `sha256-${uniqueSuffix()}${uniqueSuffix()}`,
      createdAt,
      expiresAt: minutesFrom(createdAt, 60),
      acceptedAt: null,
      voidedAt: null,
      lastSendError: null,
      ...overrides,
    };
  }

  test('When an invitation is created, then it is found by token hash and as the user’s open invitation', async () => {
    const user = await pendingUser();
    const invitation = newInvitation(user);
    await store().invitations.create(invitation);
    expect(await store().invitations.findByTokenHash(invitation.tokenHash)).toEqual(invitation);
    expect(await store().invitations.findOpenForUser(team.id, user.id)).toEqual(invitation);
    expect(await store().invitations.findOpenForUser(randomUUID(), user.id)).toBeNull();
    expect(await store().invitations.findByTokenHash('unknown')).toBeNull();
  });

  test('When a second invitation is created for a user, then the first is voided in the same write', async () => {
    const user = await pendingUser();
    const first = newInvitation(user);
    await store().invitations.create(first);
    const second = newInvitation(user, { createdAt: minutesFrom(first.createdAt, 1), email: `new-${uniqueSuffix()}@acme.test` });
    await store().invitations.create(second);
    expect(await store().invitations.findByTokenHash(first.tokenHash)).toMatchObject({ voidedAt: second.createdAt, acceptedAt: null });
    expect(await store().invitations.findOpenForUser(team.id, user.id)).toEqual(second);
    expect(await store().invitations.accept(first.id, 'hash', new Date().toISOString())).toBeNull();
  });

  test('When two invitations share a token hash, then the second is refused', async () => {
    const user = await pendingUser();
    const first = newInvitation(user);
    await store().invitations.create(first);
    const clash = newInvitation(await pendingUser(), { tokenHash: first.tokenHash });
    await expect(store().invitations.create(clash)).rejects.toBeInstanceOf(UniqueConstraintError);
  });

  test('When an invitation is accepted, then the user is active with the password hash and a new version, atomically', async () => {
    const user = await pendingUser();
    const invitation = newInvitation(user);
    await store().invitations.create(invitation);
    const now = new Date().toISOString();
    const accepted = await store().invitations.accept(invitation.id, 'argon2-hash', now);
    expect(accepted).toMatchObject({ id: user.id, status: 'active', passwordHash: 'argon2-hash', version: user.version + 1 });
    expect(await store().users.get(team.id, user.id)).toEqual(accepted);
    expect(await store().invitations.findByTokenHash(invitation.tokenHash)).toMatchObject({ acceptedAt: now });
    expect(await store().invitations.findOpenForUser(team.id, user.id)).toBeNull();
    expect(await store().invitations.accept(invitation.id, 'other-hash', now)).toBeNull();
    expect((await store().users.get(team.id, user.id))?.passwordHash).toBe('argon2-hash');
  });

  test('When an invitation is accepted 10 times at once, then exactly one acceptance wins', async () => {
    const user = await pendingUser();
    const invitation = newInvitation(user);
    await store().invitations.create(invitation);
    const now = new Date().toISOString();
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => store().invitations.accept(invitation.id, `hash-${i}`, now)));
    const winners = outcomes.filter((u): u is User => u !== null);
    expect(winners).toHaveLength(1);
    const stored = await store().users.get(team.id, user.id);
    expect(stored).toMatchObject({ status: 'active', passwordHash: winners[0]!.passwordHash, version: user.version + 1 });
  });

  test('When an invitation has expired, then it cannot be accepted and the user stays pending', async () => {
    const user = await pendingUser();
    const invitation = newInvitation(user);
    await store().invitations.create(invitation);
    expect(await store().invitations.accept(invitation.id, 'hash', invitation.expiresAt)).toBeNull();
    expect(await store().invitations.accept(invitation.id, 'hash', minutesFrom(invitation.expiresAt, 1))).toBeNull();
    expect(await store().users.get(team.id, user.id)).toMatchObject({ status: 'pending', passwordHash: null, version: user.version });
    // Expired is still open: an admin sees it and can re-send.
    expect(await store().invitations.findOpenForUser(team.id, user.id)).toMatchObject({ id: invitation.id });
  });

  test('When the user is no longer pending, then accepting changes nothing and the invitation stays open', async () => {
    const user = await pendingUser();
    const invitation = newInvitation(user);
    await store().invitations.create(invitation);
    const suspended = await store().users.update({ ...user, status: 'suspended' }, user.version);
    expect(await store().invitations.accept(invitation.id, 'hash', new Date().toISOString())).toBeNull();
    expect(await store().users.get(team.id, user.id)).toEqual(suspended);
    expect(await store().invitations.findByTokenHash(invitation.tokenHash)).toMatchObject({ acceptedAt: null, voidedAt: null });
  });

  test('When a user’s invitations are voided, then none is open or acceptable', async () => {
    const user = await pendingUser();
    const invitation = newInvitation(user);
    await store().invitations.create(invitation);
    const now = new Date().toISOString();
    await store().invitations.voidForUser(user.id, now);
    expect(await store().invitations.findOpenForUser(team.id, user.id)).toBeNull();
    expect(await store().invitations.findByTokenHash(invitation.tokenHash)).toMatchObject({ voidedAt: now });
    expect(await store().invitations.accept(invitation.id, 'hash', now)).toBeNull();
  });

  test('When a send result is recorded, then the last error is kept until a later success clears it', async () => {
    const user = await pendingUser();
    const invitation = newInvitation(user);
    await store().invitations.create(invitation);
    await store().invitations.recordSendResult(invitation.id, 'connect ECONNREFUSED 127.0.0.1:25');
    expect(await store().invitations.findOpenForUser(team.id, user.id)).toMatchObject({ lastSendError: 'connect ECONNREFUSED 127.0.0.1:25' });
    await store().invitations.recordSendResult(invitation.id, null);
    expect(await store().invitations.findOpenForUser(team.id, user.id)).toMatchObject({ lastSendError: null });
  });

  test('When the user is deleted, then its invitations go with it', async () => {
    const user = await pendingUser();
    const invitation = newInvitation(user);
    await store().invitations.create(invitation);
    expect(await store().users.delete(team.id, user.id)).toBe(true);
    expect(await store().invitations.findByTokenHash(invitation.tokenHash)).toBeNull();
  });

  describe('email validations (purpose email-validation)', () => {
    async function ssoUser(): Promise<User> {
      return store().users.create(newUser(team.id, { externalId: `sso-${uniqueSuffix()}@acme.test` }));
    }
    const validationOf = (user: User, overrides: Partial<Invitation> = {}) => newInvitation(user, { purpose: 'email-validation', email: user.externalId!, ...overrides });

    test('When a validation link is used, then the address becomes the sign-in email with a new version, once', async () => {
      const user = await ssoUser();
      const validation = validationOf(user);
      await store().invitations.create(validation);
      expect(await store().invitations.findOpenForUser(team.id, user.id, 'email-validation')).toEqual(validation);
      const now = new Date().toISOString();
      const validated = await store().invitations.validateEmail(validation.id, user.version, now);
      expect(validated).toMatchObject({ id: user.id, email: user.externalId, status: 'active', version: user.version + 1 });
      expect(await store().users.get(team.id, user.id)).toEqual(validated);
      expect(await store().users.findByEmail(user.externalId!)).toMatchObject({ id: user.id });
      expect(await store().invitations.findByTokenHash(validation.tokenHash)).toMatchObject({ acceptedAt: now });
      expect(await store().invitations.validateEmail(validation.id, user.version + 1, now)).toBeNull();
    });

    test('When a validation link is used as an invitation (or the reverse), then nothing happens', async () => {
      const user = await ssoUser();
      const validation = validationOf(user);
      await store().invitations.create(validation);
      const now = new Date().toISOString();
      expect(await store().invitations.accept(validation.id, 'hash', now)).toBeNull();
      const pending = await pendingUser();
      const invitation = newInvitation(pending);
      await store().invitations.create(invitation);
      expect(await store().invitations.validateEmail(invitation.id, pending.version, now)).toBeNull();
      expect(await store().users.get(team.id, user.id)).toMatchObject({ email: null, passwordHash: null, version: user.version });
    });

    test('When the user changed since the caller read it, then validating writes nothing and the link stays open', async () => {
      const user = await ssoUser();
      const validation = validationOf(user);
      await store().invitations.create(validation);
      const moved = (await store().users.update({ ...user, externalId: `moved-${uniqueSuffix()}@acme.test` }, user.version))!;
      expect(await store().invitations.validateEmail(validation.id, user.version, new Date().toISOString())).toBeNull();
      expect(await store().users.get(team.id, user.id)).toEqual(moved);
      expect(await store().invitations.findByTokenHash(validation.tokenHash)).toMatchObject({ acceptedAt: null, voidedAt: null });
    });

    test('When an expired validation link is used, then the user keeps no sign-in email', async () => {
      const user = await ssoUser();
      const validation = validationOf(user);
      await store().invitations.create(validation);
      expect(await store().invitations.validateEmail(validation.id, user.version, minutesFrom(validation.expiresAt, 1))).toBeNull();
      expect(await store().users.get(team.id, user.id)).toMatchObject({ email: null, version: user.version });
    });

    test('When another account already signs in with the address, then validating is refused and nothing is written', async () => {
      const taken = `taken-${uniqueSuffix()}@acme.test`;
      await store().users.create(newUser(team.id, { email: taken, managedBy: 'manual' }));
      const user = await store().users.create(newUser(team.id, { externalId: taken.toUpperCase() }));
      const validation = validationOf(user, { email: taken });
      await store().invitations.create(validation);
      await expect(store().invitations.validateEmail(validation.id, user.version, new Date().toISOString())).rejects.toMatchObject({ field: 'email' });
      expect(await store().invitations.findByTokenHash(validation.tokenHash)).toMatchObject({ acceptedAt: null });
      expect(await store().users.get(team.id, user.id)).toMatchObject({ email: null, version: user.version });
    });

    test('When a validation and an invitation are open for one user, then creating or voiding one purpose leaves the other open', async () => {
      const user = await pendingUser();
      const invitation = newInvitation(user);
      await store().invitations.create(invitation);
      const first = validationOf(user, { email: user.email! });
      await store().invitations.create(first);
      const second = validationOf(user, { email: user.email!, createdAt: minutesFrom(first.createdAt, 1) });
      await store().invitations.create(second);
      expect(await store().invitations.findOpenForUser(team.id, user.id)).toEqual(invitation);
      expect(await store().invitations.findOpenForUser(team.id, user.id, 'email-validation')).toEqual(second);
      expect(await store().invitations.findByTokenHash(first.tokenHash)).toMatchObject({ voidedAt: second.createdAt });
      await store().invitations.voidForUser(user.id, new Date().toISOString(), 'email-validation');
      expect(await store().invitations.findOpenForUser(team.id, user.id, 'email-validation')).toBeNull();
      expect(await store().invitations.findOpenForUser(team.id, user.id)).toEqual(invitation);
    });

    test('When open validations are listed for several users, then only that team’s open ones of that purpose come back', async () => {
      const a = await ssoUser();
      const b = await ssoUser();
      const c = await ssoUser();
      const va = validationOf(a);
      const vb = validationOf(b);
      await store().invitations.create(va);
      await store().invitations.create(vb);
      await store().invitations.create(newInvitation(c));
      await store().invitations.voidForUser(b.id, new Date().toISOString());
      expect(await store().invitations.listOpenForUsers(team.id, [a.id, b.id, c.id], 'email-validation')).toEqual([va]);
      expect(await store().invitations.listOpenForUsers(randomUUID(), [a.id], 'email-validation')).toEqual([]);
      expect(await store().invitations.listOpenForUsers(team.id, [], 'email-validation')).toEqual([]);
    });
  });
}
