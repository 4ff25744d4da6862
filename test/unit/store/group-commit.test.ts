import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../../src/store/sqlite/database';
import { GroupCommit } from '../../../src/store/sqlite/group-commit';

describe('GroupCommit (writes queued together commit together)', () => {
  let dir: string;
  let file: string;
  let db: Db;
  let writes: GroupCommit;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'group-commit-'));
    file = path.join(dir, 'test.db');
    db = openDatabase(file);
    db.exec('CREATE TABLE t (name TEXT PRIMARY KEY)');
    writes = new GroupCommit(db);
  });

  afterEach(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (name: string) => () => db.prepare('INSERT INTO t (name) VALUES (?)').run(name).changes;
  const names = (from: Db) => (from.prepare('SELECT name FROM t ORDER BY name').pluck().all() as string[]);

  test('When three writes are queued in one turn, then they run in one transaction and each promise gets its own result', async () => {
    const inTransaction: boolean[] = [];
    const results = await Promise.all([
      writes.run(() => (inTransaction.push(db.inTransaction), insert('a')())),
      writes.run(() => (inTransaction.push(db.inTransaction), insert('b')())),
      writes.run(() => (inTransaction.push(db.inTransaction), names(db).length)),
    ]);
    expect(inTransaction).toEqual([true, true, true]);
    expect(results).toEqual([1, 1, 2]); // the third job sees the first two (same transaction)
  });

  test('When one write of a batch fails, then only it is rolled back and only its promise rejects', async () => {
    const outcomes = await Promise.allSettled([writes.run(insert('a')), writes.run(() => { insert('b')(); throw new Error('invalid'); }), writes.run(insert('a')), writes.run(insert('c'))]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(names(db)).toEqual(['a', 'c']);
  });

  test('When a write fails in a way that rolls back the whole transaction (disk full, I/O), then no job of the batch is written or reported done', async () => {
    const outcomes = await Promise.allSettled([
      writes.run(insert('a')),
      writes.run(() => {
        insert('b')();
        db.exec('ROLLBACK'); // what SQLite itself does on SQLITE_FULL / SQLITE_IOERR
      }),
      writes.run(insert('c')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(names(db)).toEqual([]);
    expect(db.inTransaction).toBe(false);
    await expect(writes.run(insert('d'))).resolves.toBe(1); // the next batch works again
  });

  test('When more jobs are queued than one commit takes, then all are committed and each settles', async () => {
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => writes.run(insert(`n${String(i).padStart(3, '0')}`))));
    expect(results.every((r) => r === 1)).toBe(true);
    expect(names(db)).toHaveLength(300);
  });

  test('When a write resolves, then another connection (another process) already sees it: answers wait for COMMIT', async () => {
    const other = new Database(file, { readonly: true });
    try {
      const seen = await writes.run(insert('x')).then(() => names(other));
      expect(seen).toEqual(['x']);
    } finally {
      other.close();
    }
  });

  test('When another process holds the write lock past the busy timeout, then every write of the batch rejects and nothing is written', async () => {
    db.close();
    db = openDatabase(file, { busyTimeoutMs: 50 });
    writes = new GroupCommit(db);
    const locker = openDatabase(file);
    locker.exec('BEGIN IMMEDIATE');
    try {
      const outcomes = await Promise.allSettled([writes.run(insert('a')), writes.run(insert('b'))]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
      expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_BUSY' });
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    expect(names(db)).toEqual([]);
  });

  test('When the store closes with writes queued, then flush commits them first', async () => {
    const pending = writes.run(insert('late'));
    writes.flush();
    db.close();
    await expect(pending).resolves.toBe(1);
    const reopened = new Database(file, { readonly: true });
    expect(names(reopened)).toEqual(['late']);
    reopened.close();
  });
});
