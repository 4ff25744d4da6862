import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/open';
import { applyMigrations, MIGRATIONS } from '../../src/store/sqlite/migrations';
import { compileUserFilter } from '../../src/store/sqlite/filter-sql';
import { compileUserSort } from '../../src/store/sqlite/sort-sql';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index';
import { q, raw, type Sql } from '../../src/store/sqlite/sql';
import { DIRECTORY_PAGE_SQL, OUTSIDE_DIRECTORY_COUNT } from '../../src/store/sqlite/users';
import { and, cmp, where } from '../support/store-fixtures';
import type { FilterNode } from '../../src/store/query';
import { describeStoreContract } from './store.contract';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-sqlite-contract-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let stores = 0;
const freshDir = () => path.join(tmp, `data-${++stores}`);

describeStoreContract('SQLite', () => openStore({ dataDir: freshDir() }));

describe('SQLite store settings', () => {
  test('When opened through openStore, then DATA_DIR is created with gatehouse.db in WAL mode, NORMAL sync and foreign keys on', async () => {
    const dataDir = path.join(freshDir(), 'nested', 'dir');
    const store = (await openStore({ dataDir })) as SqliteStore;
    try {
      expect(store.kind).toBe('sqlite');
      expect(existsSync(path.join(dataDir, 'gatehouse.db'))).toBe(true);
      expect(store.connectionSettings()).toEqual({ journalMode: 'wal', synchronous: 'normal', foreignKeys: true, busyTimeoutMs: 10_000 });
    } finally {
      await store.close();
    }
  });

  test('When durability is "full", then every commit is fsynced (synchronous=FULL)', async () => {
    const store = (await openStore({ dataDir: freshDir(), durability: 'full' })) as SqliteStore;
    expect(store.connectionSettings().synchronous).toBe('full');
    await store.close();
  });
});

describe('SQLite migrations', () => {
  test('When a store is reopened, then no migration runs twice and data survives', async () => {
    const dataDir = freshDir();
    const first = await openStore({ dataDir });
    await first.teams.create({ id: 'team-1', name: 'Acme', createdAt: '2024-01-01T00:00:00.000Z', groupManagedRoles: false, validateSamlEmails: false });
    await first.close();
    const second = await openStore({ dataDir });
    expect(await second.teams.get('team-1')).toMatchObject({ name: 'Acme' });
    await second.close();
    const db = new Database(path.join(dataDir, 'gatehouse.db'));
    expect(db.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all()).toEqual(MIGRATIONS.map((m) => m.id));
    db.close();
  });

  test('When a later migration is added, then only it is applied, and a failing one leaves nothing behind', () => {
    const db = new Database(path.join(tmp, `migrations-${++stores}.db`));
    const core = MIGRATIONS.slice(0, 1);
    expect(applyMigrations(db, core)).toEqual(['001_core']);
    const next = { id: '002_example', up: 'CREATE TABLE example (id TEXT PRIMARY KEY);' };
    expect(applyMigrations(db, [...core, next])).toEqual(['002_example']);
    const broken = [{ id: '003_half', up: 'CREATE TABLE half (id TEXT); INSERT INTO nowhere VALUES (1);' }];
    expect(() => applyMigrations(db, [...core, next, ...broken])).toThrow(/nowhere/);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'half'`).pluck().get()).toBe(0);
    expect(db.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all()).toEqual(['001_core', '002_example']);
    db.close();
  });
});

describe('SQLite filter queries use the indexes', () => {
  let store: SqliteStore;
  let db: Database.Database;
  beforeAll(() => {
    const file = path.join(tmp, `plans-${++stores}.db`);
    store = openSqliteStore(file);
    db = new Database(file, { readonly: true });
  });
  afterAll(async () => {
    db.close();
    await store.close();
  });

  function plan(filter: FilterNode): string {
    const sql = q`SELECT u.* FROM users u WHERE u.team_id = ${'team'} AND ${compileUserFilter(filter, 'team')}`;
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql.text}`).all(...sql.params) as { detail: string }[]).map((r) => r.detail).join('\n');
  }

  test.each([
    // A strict user's userName is its handle; a directory user's has its own per-team key.
    ['userName eq (case-insensitive)', cmp('userName', 'eq', 'Ada'), /USING (COVERING )?INDEX users_team_user_name_key_unique[\s\S]*USING INDEX users_handle_unique/],
    ['displayName eq (case-insensitive)', cmp('displayName', 'eq', 'Ada Lovelace'), /USING INDEX users_team_display_name/],
    ['externalId eq', cmp('externalId', 'eq', 'ada', true), /USING INDEX users_team_external_id_unique/],
    ['emails.value eq', cmp('emails.value', 'eq', 'ADA@acme.test'), /USING (COVERING )?INDEX user_emails_team_value/],
    ['emails[value eq and type eq]', where('emails', and(cmp('value', 'eq', 'a@b.c'), cmp('type', 'eq', 'work'))), /USING INDEX user_emails_team_value/],
    ['meta.lastModified gt', cmp('meta.lastModified', 'gt', '2024-01-01T00:00:00Z'), /USING INDEX users_team_updated_at/],
  ])('%s', (_name, filter, index) => {
    expect(plan(filter)).toMatch(index);
  });

  test('When a filtered list matches few users (externalId eq in the directory profile, displayName eq), then the page reads them through the filter\'s index and sorts them, instead of walking the whole team in created order', () => {
    const explain = (sql: Sql) => (db.prepare(`EXPLAIN QUERY PLAN ${sql.text}`).all(...sql.params) as { detail: string }[]).map((r) => r.detail).join('\n');
    const page = (filter: FilterNode, fewRows: boolean) => explain(q`SELECT u.* FROM users u WHERE u.team_id = ${'team'} AND (${compileUserFilter(filter, 'team')}) AND ${DIRECTORY_PAGE_SQL} ${compileUserSort({}, fewRows)} LIMIT 100`);
    expect(page(cmp('externalId', 'eq', 'ada', true), true)).toMatch(/USING INDEX users_team_external_id_unique/);
    expect(page(cmp('displayName', 'eq', 'Ada Lovelace'), true)).toMatch(/USING INDEX users_team_display_name/);
    // Many matches: walking the created-order index and stopping after a page stays the plan.
    expect(page(cmp('active', 'eq', true), false)).toMatch(/USING INDEX users_team_created_at/);
  });

  test("When SCIM lists the directory's users (password accounts left out), then the password accounts are counted from their own small index and a page still walks the sort's index", () => {
    const explain = (sql: Sql) => (db.prepare(`EXPLAIN QUERY PLAN ${sql.text}`).all(...sql.params) as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(explain(OUTSIDE_DIRECTORY_COUNT(q`u.team_id = ${'team'}`))).toMatch(/USING (COVERING )?INDEX users_team_manual/);
    expect(explain(OUTSIDE_DIRECTORY_COUNT(q`u.team_id = ${'team'} AND (${compileUserFilter(cmp('active', 'eq', true), 'team')})`))).toMatch(/USING (COVERING )?INDEX users_team_manual/);
    const page = (order: string) => explain(q`SELECT u.* FROM users u WHERE u.team_id = ${'team'} AND ${DIRECTORY_PAGE_SQL} ${raw(order)} LIMIT 100`);
    expect(page('ORDER BY u.created_at, u.id')).toMatch(/USING INDEX users_team_created_at/);
    const byName = page('ORDER BY u.display_name COLLATE NOCASE, u.created_at, u.id');
    expect(byName).toMatch(/USING INDEX users_team_display_name/);
    expect(byName).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  });
});
