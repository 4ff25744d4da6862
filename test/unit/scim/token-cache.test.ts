import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAuditor, operatorActor } from '../../../src/accounts/audit';
import { ScimTokenService } from '../../../src/scim/token-service';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/index';
import { newTeam } from '../../support/store-fixtures';

describe('SCIM token verification cache', () => {
  let dir: string;
  let store: SqliteStore;
  let tokens: ScimTokenService;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'token-cache-'));
    store = openSqliteStore(path.join(dir, 'gatehouse.db'));
    tokens = new ScimTokenService(store, createAuditor(store), 8, async () => false);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('When a token is deleted while a request is still looking it up (a slow store), then the token is not cached and the next request is refused', async () => {
    const team = newTeam();
    await store.teams.create(team);
    const { token: secret, info } = await tokens.create(team.id, { description: 'Entra ID' }, operatorActor);

    // The store answers the lookup only when the test says so: a store with network round trips (MongoDB).
    const lookup = store.scimTokens.findBySecretHash.bind(store.scimTokens);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    store.scimTokens.findBySecretHash = async (hash) => {
      const found = await lookup(hash);
      await gate;
      return found;
    };
    const inFlight = tokens.authenticate(secret); // read the token before the delete…
    await new Promise((r) => setImmediate(r));
    await tokens.delete(team.id, info.id, operatorActor); // …deleted here…
    release(); // …and the slow answer arrives after the delete
    expect((await inFlight)?.id).toBe(info.id); // that one request was already past the check

    store.scimTokens.findBySecretHash = lookup;
    expect(await tokens.authenticate(secret)).toBeNull();
  });

  test('When a token is used, then deleted in this process, then the next request is refused at once', async () => {
    const team = newTeam();
    await store.teams.create(team);
    const { token: secret, info } = await tokens.create(team.id, { description: 'Okta' }, operatorActor);
    expect((await tokens.authenticate(secret))?.id).toBe(info.id);
    await tokens.delete(team.id, info.id, operatorActor);
    expect(await tokens.authenticate(secret)).toBeNull();
  });
});
