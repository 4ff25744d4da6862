import type { Session, SessionRepo, Timestamp } from '../port';
import type { Db } from './database';
import { mapUniqueViolation } from './errors';

interface SessionRow {
  token_hash: string;
  kind: Session['kind'];
  user_id: string;
  team_id: string;
  created_at: string;
  expires_at: string;
}

export class SqliteSessionRepo implements SessionRepo {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      insert: db.prepare('INSERT INTO sessions (token_hash, kind, user_id, team_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)'),
      findValid: db.prepare('SELECT * FROM sessions WHERE token_hash = ? AND expires_at > ?'),
      delete: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
      deleteByUser: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
      deleteExpired: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    };
  }

  async create(s: Session): Promise<void> {
    mapUniqueViolation(() => this.statements.insert.run(s.tokenHash, s.kind, s.userId, s.teamId, s.createdAt, s.expiresAt));
  }

  async findValid(tokenHash: string, now: Timestamp): Promise<Session | null> {
    const row = this.statements.findValid.get(tokenHash, now) as SessionRow | undefined;
    if (!row) return null;
    return { tokenHash: row.token_hash, kind: row.kind, userId: row.user_id, teamId: row.team_id, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  async delete(tokenHash: string): Promise<void> {
    this.statements.delete.run(tokenHash);
  }

  async deleteByUser(userId: string): Promise<void> {
    this.statements.deleteByUser.run(userId);
  }

  async deleteExpired(now: Timestamp): Promise<number> {
    return this.statements.deleteExpired.run(now).changes;
  }
}
