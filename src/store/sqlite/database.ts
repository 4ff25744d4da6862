import Database from 'better-sqlite3';
import { nonNegativeInt } from '../paging';

export type Durability = 'normal' | 'full';
export type Db = Database.Database;

export interface SqliteOptions {
  /**
   * 'normal' (default): WAL + synchronous=NORMAL. A committed transaction is in the WAL file before
   * the call returns, so a process crash (even SIGKILL) loses no acknowledged write; only a power
   * loss or OS crash can drop the last transactions. 'full': fsync on every commit, power-loss safe.
   */
  durability?: Durability;
  /** How long a writer waits for another process's lock (CLI beside the server, two servers). */
  busyTimeoutMs?: number;
}

export function openDatabase(file: string, options: SqliteOptions = {}): Db {
  const busyTimeoutMs = nonNegativeInt(options.busyTimeoutMs ?? 10_000);
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`); // first, so the pragmas below wait for locks too
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
