/**
 * Real OS processes on one SQLite file: what happens when a writer is SIGKILLed, and when the
 * server, the CLI or a second server race each other.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/open';
import { MIGRATIONS } from '../../src/store/sqlite/migrations';
import { newTeam } from '../support/store-fixtures';
import { spawnStoreChild, waitFor } from '../support/store-spawn';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-sqlite-processes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let dirs = 0;
const freshDir = () => path.join(tmp, `data-${++dirs}`);

async function createTeam(dataDir: string): Promise<string> {
  const store = await openStore({ dataDir });
  const team = newTeam();
  await store.teams.create(team);
  await store.close();
  return team.id;
}

describe.each(['normal', 'full'] as const)('SQLite durability=%s', (durability) => {
  test('When a writer is killed with SIGKILL, then every write it acknowledged is still there', async () => {
    const dataDir = freshDir();
    const teamId = await createTeam(dataDir);
    const writer = spawnStoreChild({ STORE_CHILD_MODE: 'write-until-killed', DATA_DIR: dataDir, TEAM_ID: teamId, DURABILITY: durability });
    await waitFor(() => writer.lines.length >= 150, 20_000).catch(async (e) => {
      writer.process.kill('SIGKILL');
      throw new Error(`${(e as Error).message}: ${(await writer.exited).stderr}`);
    });
    writer.process.kill('SIGKILL');
    const { signal } = await writer.exited;
    expect(signal).toBe('SIGKILL');

    const acknowledged = [...writer.lines];
    const store = await openStore({ dataDir });
    try {
      const missing: string[] = [];
      for (const id of acknowledged) if (!(await store.users.getAnyTeam(id))) missing.push(id);
      expect(missing).toEqual([]);
      expect(await store.users.countByTeam(teamId)).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      await store.close();
    }
  });
});

describe('SQLite shared by several processes', () => {
  test('When four processes open a fresh DATA_DIR at the same moment, then all succeed and migrations run once', async () => {
    const dataDir = freshDir();
    const START_AT = String(Date.now() + 1500);
    const children = Array.from({ length: 4 }, () => spawnStoreChild({ STORE_CHILD_MODE: 'open', DATA_DIR: dataDir, START_AT }));
    const results = await Promise.all(children.map((c) => c.exited));
    for (const r of results) expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: 'opened', stderr: '' });
    const db = new Database(path.join(dataDir, 'gatehouse.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
    db.close();
  });

  test('When four processes race to create 20 SCIM tokens with a limit of 8, then exactly 8 exist', async () => {
    const dataDir = freshDir();
    const teamId = await createTeam(dataDir);
    const START_AT = String(Date.now() + 1500);
    const children = Array.from({ length: 4 }, () =>
      spawnStoreChild({ STORE_CHILD_MODE: 'create-tokens', DATA_DIR: dataDir, TEAM_ID: teamId, TOKENS: '5', MAX: '8', START_AT }),
    );
    const results = await Promise.all(children.map((c) => c.exited));
    for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const outcomes = results.flatMap((r) => JSON.parse(r.stdout) as string[]);
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(8);
    const store = await openStore({ dataDir });
    expect(await store.scimTokens.countByTeam(teamId)).toBe(8);
    await store.close();
  });

  test('When another process holds the write lock, then a write waits for it (busy_timeout) instead of failing', async () => {
    const dataDir = freshDir();
    const teamId = await createTeam(dataDir);
    const blocker = new Database(path.join(dataDir, 'gatehouse.db'));
    blocker.exec('BEGIN IMMEDIATE');
    const child = spawnStoreChild({ STORE_CHILD_MODE: 'create-tokens', DATA_DIR: dataDir, TEAM_ID: teamId, TOKENS: '1', MAX: '8' });
    // Held well past the child's start-up, so its open (migration check) and insert must wait.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    let exitedWhileLocked = false;
    void child.exited.then(() => (exitedWhileLocked = blocker.inTransaction));
    await new Promise((resolve) => setTimeout(resolve, 50));
    blocker.exec('COMMIT');
    const result = await child.exited;
    blocker.close();
    expect(exitedWhileLocked).toBe(false);
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ code: 0, stdout: '["created"]', stderr: '' });
  });
});
