import type { SamlRequest, SamlRequestConsumeResult, SamlRequestRepo, Timestamp } from '../port';
import type { Db } from './database';
import { mapUniqueViolation } from './errors';

interface RequestRow {
  id: string;
  team_id: string;
  idp_id: string;
  success_redirect: string | null;
  error_redirect: string | null;
  test_run_id: string | null;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

function rowToRequest(row: RequestRow): SamlRequest {
  return {
    id: row.id,
    teamId: row.team_id,
    idpId: row.idp_id,
    successRedirect: row.success_redirect,
    errorRedirect: row.error_redirect,
    testRunId: row.test_run_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  };
}

export class SqliteSamlRequestRepo implements SamlRequestRepo {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      insert: db.prepare(`INSERT INTO saml_requests (id, team_id, idp_id, success_redirect, error_redirect, test_run_id, created_at, expires_at, consumed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      find: db.prepare('SELECT * FROM saml_requests WHERE id = ?'),
      // One statement: of two processes consuming at once, only one UPDATE matches the unconsumed row.
      consume: db.prepare('UPDATE saml_requests SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL AND expires_at > ? RETURNING *'),
      deleteExpired: db.prepare('DELETE FROM saml_requests WHERE expires_at < ?'),
    };
  }

  async create(r: SamlRequest): Promise<void> {
    mapUniqueViolation(() =>
      this.statements.insert.run(r.id, r.teamId, r.idpId, r.successRedirect, r.errorRedirect, r.testRunId, r.createdAt, r.expiresAt, r.consumedAt),
    );
  }

  async find(id: string): Promise<SamlRequest | null> {
    const row = this.statements.find.get(id) as RequestRow | undefined;
    return row ? rowToRequest(row) : null;
  }

  async consume(id: string, now: Timestamp): Promise<SamlRequestConsumeResult> {
    const consumed = this.statements.consume.get(now, id, now) as RequestRow | undefined;
    if (consumed) return { status: 'consumed', request: rowToRequest(consumed) };
    const row = this.statements.find.get(id) as RequestRow | undefined;
    if (!row) return { status: 'unknown' };
    return { status: row.consumed_at ? 'reused' : 'expired', request: rowToRequest(row) };
  }

  async deleteExpired(before: Timestamp): Promise<number> {
    return this.statements.deleteExpired.run(before).changes;
  }
}
