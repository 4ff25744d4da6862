import type { RateLimitRepo, RateLimitWindow } from '../port';
import type { Db } from './database';

type Row = { hits: number; reset_at: number };
const toWindow = (row: Row): RateLimitWindow => ({ hits: row.hits, resetAt: new Date(row.reset_at) });

/**
 * One UPSERT per hit: SQLite runs it under the write lock, so concurrent processes on the file
 * count every hit exactly once. Outside the group commit on purpose: a login attempt must be
 * counted before its password is checked, not after the next event-loop turn.
 */
export class SqliteRateLimitRepo implements RateLimitRepo {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      hit: db.prepare(`INSERT INTO rate_limit_windows (key, hits, reset_at) VALUES (@key, 1, @now + @window)
        ON CONFLICT (key) DO UPDATE SET
          hits = CASE WHEN rate_limit_windows.reset_at <= @now THEN 1 ELSE rate_limit_windows.hits + 1 END,
          reset_at = CASE WHEN rate_limit_windows.reset_at <= @now THEN excluded.reset_at ELSE rate_limit_windows.reset_at END
        RETURNING hits, reset_at`),
      get: db.prepare('SELECT hits, reset_at FROM rate_limit_windows WHERE key = ? AND reset_at > ?'),
      undo: db.prepare('UPDATE rate_limit_windows SET hits = hits - 1 WHERE key = ? AND hits > 0'),
      reset: db.prepare('DELETE FROM rate_limit_windows WHERE key = ?'),
      deleteExpired: db.prepare('DELETE FROM rate_limit_windows WHERE reset_at <= ?'),
    };
  }

  async hit(key: string, windowMs: number, now: Date): Promise<RateLimitWindow> {
    return toWindow(this.statements.hit.get({ key, now: now.getTime(), window: windowMs }) as Row);
  }

  async get(key: string, now: Date): Promise<RateLimitWindow | null> {
    const row = this.statements.get.get(key, now.getTime()) as Row | undefined;
    return row ? toWindow(row) : null;
  }

  async undo(key: string): Promise<void> {
    this.statements.undo.run(key);
  }

  async reset(key: string): Promise<void> {
    this.statements.reset.run(key);
  }

  async deleteExpired(now: Date): Promise<number> {
    return this.statements.deleteExpired.run(now.getTime()).changes;
  }
}
