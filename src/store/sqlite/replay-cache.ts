import type { ReplayCacheRepo, Timestamp } from '../port';
import type { Db } from './database';

export class SqliteReplayCacheRepo implements ReplayCacheRepo {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      // Inserts, or revives an entry that has expired; an unexpired entry stays and nothing changes.
      remember: db.prepare(`INSERT INTO saml_replay_cache (key, expires_at) VALUES (@key, @expires_at)
        ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE saml_replay_cache.expires_at <= @now`),
      deleteExpired: db.prepare('DELETE FROM saml_replay_cache WHERE expires_at <= ?'),
    };
  }

  async remember(key: string, expiresAt: Timestamp): Promise<boolean> {
    return this.statements.remember.run({ key, expires_at: expiresAt, now: new Date().toISOString() }).changes === 1;
  }

  async deleteExpired(now: Timestamp): Promise<number> {
    return this.statements.deleteExpired.run(now).changes;
  }
}
