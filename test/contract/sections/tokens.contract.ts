import { randomUUID } from 'node:crypto';
import type { ScimToken, Team } from '../../../src/store/port';
import { newTeam, uniqueSuffix } from '../../support/store-fixtures';
import type { GetStore } from '../store.contract';

function newToken(teamId: string, overrides: Partial<ScimToken> = {}): ScimToken {
  return {
    id: randomUUID(),
    teamId,
    secretHash: `sha256-${uniqueSuffix()}${uniqueSuffix()}`,
    name: 'Entra ID',
    description: 'provisioning',
    idpId: null,
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

export function scimTokensContract(store: GetStore): void {
  let team: Team;

  beforeEach(async () => {
    team = newTeam();
    await store().teams.create(team);
  });

  test('When a token is created, then it can be found by secret hash, id and team list', async () => {
    const token = newToken(team.id, { idpId: 'idp-1', createdAt: '2024-05-01T00:00:00.000Z' });
    expect(await store().scimTokens.createWithinLimit(token, 8)).toBe('created');
    expect(await store().scimTokens.findBySecretHash(token.secretHash)).toEqual(token);
    expect(await store().scimTokens.get(team.id, token.id)).toEqual(token);
    expect(await store().scimTokens.list(team.id)).toEqual([token]);
    expect(await store().scimTokens.countByTeam(team.id)).toBe(1);
    expect(await store().scimTokens.findBySecretHash('unknown')).toBeNull();
  });

  test('When a token is renamed or deleted, then only that team’s token is affected', async () => {
    const token = newToken(team.id);
    await store().scimTokens.createWithinLimit(token, 8);
    const other = newTeam();
    await store().teams.create(other);
    expect(await store().scimTokens.rename(other.id, token.id, 'Hijack')).toBeNull();
    expect(await store().scimTokens.delete(other.id, token.id)).toBe(false);
    expect(await store().scimTokens.get(other.id, token.id)).toBeNull();
    expect(await store().scimTokens.rename(team.id, token.id, 'Okta')).toEqual({ ...token, name: 'Okta' });
    expect(await store().scimTokens.delete(team.id, token.id)).toBe(true);
    expect(await store().scimTokens.delete(team.id, token.id)).toBe(false);
    expect(await store().scimTokens.countByTeam(team.id)).toBe(0);
  });

  test('When tokens are listed, then they come oldest first', async () => {
    const later = newToken(team.id, { createdAt: '2024-05-02T00:00:00.000Z' });
    const earlier = newToken(team.id, { createdAt: '2024-05-01T00:00:00.000Z' });
    await store().scimTokens.createWithinLimit(later, 8);
    await store().scimTokens.createWithinLimit(earlier, 8);
    expect((await store().scimTokens.list(team.id)).map((t) => t.id)).toEqual([earlier.id, later.id]);
  });

  test('When 20 tokens are created in parallel with a limit of 8, then exactly 8 are created', async () => {
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => store().scimTokens.createWithinLimit(newToken(team.id), 8)));
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(8);
    expect(outcomes.filter((o) => o === 'limit-reached')).toHaveLength(12);
    expect(await store().scimTokens.countByTeam(team.id)).toBe(8);
  });

  test('When the limit is reached, then deleting one token makes room for exactly one more', async () => {
    const tokens = Array.from({ length: 2 }, () => newToken(team.id));
    for (const t of tokens) await store().scimTokens.createWithinLimit(t, 2);
    expect(await store().scimTokens.createWithinLimit(newToken(team.id), 2)).toBe('limit-reached');
    await store().scimTokens.delete(team.id, tokens[0]!.id);
    expect(await store().scimTokens.createWithinLimit(newToken(team.id), 2)).toBe('created');
    expect(await store().scimTokens.createWithinLimit(newToken(team.id), 2)).toBe('limit-reached');
  });

  test('When another team is full, then this team can still create tokens', async () => {
    const full = newTeam();
    await store().teams.create(full);
    await store().scimTokens.createWithinLimit(newToken(full.id), 1);
    expect(await store().scimTokens.createWithinLimit(newToken(full.id), 1)).toBe('limit-reached');
    expect(await store().scimTokens.createWithinLimit(newToken(team.id), 1)).toBe('created');
  });
}
