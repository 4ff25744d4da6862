import type { Session, Team, User } from '../../../src/store/port';
import { minutesFrom, newTeam, newUser, uniqueSuffix } from '../../support/store-fixtures';
import type { GetStore } from '../store.contract';

export function sessionsContract(store: GetStore): void {
  let team: Team;
  let user: User;

  beforeAll(async () => {
    team = newTeam();
    await store().teams.create(team);
    user = await store().users.create(newUser(team.id));
  });

  function newSession(createdAt: string, minutes: number, owner: User = user): Session {
    return { tokenHash: `hash-${uniqueSuffix()}${uniqueSuffix()}`, kind: 'session', userId: owner.id, teamId: owner.teamId, createdAt, expiresAt: minutesFrom(createdAt, minutes) };
  }

  test('When a session is checked before and after it expires, then only the first check finds it', async () => {
    const now = new Date().toISOString();
    const session = newSession(now, 15);
    await store().sessions.create(session);
    expect(await store().sessions.findValid(session.tokenHash, now)).toEqual(session);
    expect(await store().sessions.findValid(session.tokenHash, minutesFrom(now, 14))).toEqual(session);
    expect(await store().sessions.findValid(session.tokenHash, session.expiresAt)).toBeNull();
    expect(await store().sessions.findValid(session.tokenHash, minutesFrom(now, 16))).toBeNull();
  });

  test('When a session is deleted, then it is no longer valid', async () => {
    const now = new Date().toISOString();
    const session = newSession(now, 15);
    await store().sessions.create(session);
    await store().sessions.delete(session.tokenHash);
    expect(await store().sessions.findValid(session.tokenHash, now)).toBeNull();
  });

  test('When all sessions of a user are deleted, then other users keep theirs', async () => {
    const other = await store().users.create(newUser(team.id));
    const now = new Date().toISOString();
    const mine = [newSession(now, 15), newSession(now, 60)];
    const theirs = newSession(now, 15, other);
    for (const s of [...mine, theirs]) await store().sessions.create(s);
    await store().sessions.deleteByUser(user.id);
    for (const s of mine) expect(await store().sessions.findValid(s.tokenHash, now)).toBeNull();
    expect(await store().sessions.findValid(theirs.tokenHash, now)).toEqual(theirs);
  });

  test('When expired sessions are swept, then exactly those are deleted and the count is returned', async () => {
    // Sessions in the year 2000 cannot be confused with other tests' sessions.
    const expired = [newSession('2000-01-01T00:00:00.000Z', 10), newSession('2000-01-01T00:00:00.000Z', 20)];
    const alive = newSession('2000-01-01T00:00:00.000Z', 60 * 24 * 365 * 100);
    for (const s of [...expired, alive]) await store().sessions.create(s);
    expect(await store().sessions.deleteExpired('2000-01-01T00:30:00.000Z')).toBe(2);
    expect(await store().sessions.findValid(alive.tokenHash, '2000-01-01T00:30:00.000Z')).toEqual(alive);
  });
}
