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
}
