import { UniqueConstraintError } from '../../../src/store/port';
import { newTeam, newUser, uniqueSuffix } from '../../support/store-fixtures';
import type { GetStore } from '../store.contract';

export function teamsContract(store: GetStore): void {
  test('When a team is created, then get and list return it', async () => {
    const team = newTeam();
    await store().teams.create(team);
    expect(await store().teams.get(team.id)).toEqual(team);
    expect((await store().teams.list()).map((t) => t.id)).toContain(team.id);
    expect(await store().teams.get('no-such-team')).toBeNull();
  });

  test('When a team is updated, then its name, groupManagedRoles and validateSamlEmails change', async () => {
    const team = newTeam();
    await store().teams.create(team);
    expect((await store().teams.get(team.id))?.validateSamlEmails).toBe(false);
    const renamed = { ...team, name: 'Renamed', groupManagedRoles: true, validateSamlEmails: true };
    expect(await store().teams.update(renamed)).toEqual(renamed);
    expect(await store().teams.get(team.id)).toEqual(renamed);
  });

  test('When a team is created with its owner, then both exist and the owner starts at version 1', async () => {
    const team = newTeam();
    const owner = newUser(team.id, { role: 'owner', email: `owner.${uniqueSuffix()}@acme.test`, managedBy: 'manual' });
    const created = await store().teams.createWithOwner(team, owner);
    expect(created.team).toEqual(team);
    expect(created.owner).toMatchObject({ id: owner.id, teamId: team.id, role: 'owner', version: 1 });
    expect(await store().users.get(team.id, owner.id)).toEqual(created.owner);
  });

  test('When the owner email is taken, then createWithOwner fails with "email" and leaves no team behind', async () => {
    const first = newTeam();
    const email = `taken.${uniqueSuffix()}@acme.test`;
    await store().teams.createWithOwner(first, newUser(first.id, { email }));
    const second = newTeam();
    const failure = store().teams.createWithOwner(second, newUser(second.id, { email: email.toUpperCase() }));
    await expect(failure).rejects.toBeInstanceOf(UniqueConstraintError);
    await expect(failure).rejects.toMatchObject({ field: 'email' });
    expect(await store().teams.get(second.id)).toBeNull();
  });
}
