import type { ScimToken, ScimTokenRepo } from '../port';
import type { Db } from './database';
import { mapUniqueViolation } from './errors';

interface TokenRow {
  id: string;
  team_id: string;
  secret_hash: string;
  name: string;
  description: string;
  idp_id: string | null;
  created_at: string;
}

function rowToToken(row: TokenRow): ScimToken {
  return {
    id: row.id,
    teamId: row.team_id,
    secretHash: row.secret_hash,
    name: row.name,
    description: row.description,
    idpId: row.idp_id,
    createdAt: row.created_at,
  };
}

export class SqliteScimTokenRepo implements ScimTokenRepo {
  private readonly statements;
  private readonly createWithinLimitTx;

  constructor(db: Db) {
    this.statements = {
      count: db.prepare('SELECT count(*) FROM scim_tokens WHERE team_id = ?').pluck(),
      insert: db.prepare(
        'INSERT INTO scim_tokens (id, team_id, secret_hash, name, description, idp_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      bySecretHash: db.prepare('SELECT * FROM scim_tokens WHERE secret_hash = ?'),
      get: db.prepare('SELECT * FROM scim_tokens WHERE team_id = ? AND id = ?'),
      list: db.prepare('SELECT * FROM scim_tokens WHERE team_id = ? ORDER BY created_at, id'),
      rename: db.prepare('UPDATE scim_tokens SET name = ? WHERE team_id = ? AND id = ? RETURNING *'),
      delete: db.prepare('DELETE FROM scim_tokens WHERE team_id = ? AND id = ?'),
    };
    this.createWithinLimitTx = db.transaction((token: ScimToken, max: number): 'created' | 'limit-reached' => {
      if ((this.statements.count.get(token.teamId) as number) >= max) return 'limit-reached';
      const t = token;
      this.statements.insert.run(t.id, t.teamId, t.secretHash, t.name, t.description, t.idpId, t.createdAt);
      return 'created';
    });
  }

  /** IMMEDIATE: the write lock is taken before the count, so processes racing here are serialised. */
  async createWithinLimit(token: ScimToken, max: number): Promise<'created' | 'limit-reached'> {
    return mapUniqueViolation(() => this.createWithinLimitTx.immediate(token, max));
  }

  async findBySecretHash(secretHash: string): Promise<ScimToken | null> {
    return this.one(this.statements.bySecretHash.get(secretHash));
  }

  async get(teamId: string, id: string): Promise<ScimToken | null> {
    return this.one(this.statements.get.get(teamId, id));
  }

  async list(teamId: string): Promise<ScimToken[]> {
    return (this.statements.list.all(teamId) as TokenRow[]).map(rowToToken);
  }

  async countByTeam(teamId: string): Promise<number> {
    return this.statements.count.get(teamId) as number;
  }

  async rename(teamId: string, id: string, name: string): Promise<ScimToken | null> {
    return this.one(this.statements.rename.get(name, teamId, id));
  }

  async delete(teamId: string, id: string): Promise<boolean> {
    return this.statements.delete.run(teamId, id).changes > 0;
  }

  private one(row: unknown): ScimToken | null {
    return row ? rowToToken(row as TokenRow) : null;
  }
}
