import type { SamlTestRun, SamlTestRunRepo, Timestamp } from '../port';
import type { Db } from './database';
import { mapUniqueViolation } from './errors';

interface TestRunRow {
  id: string;
  team_id: string;
  idp_id: string;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  completed_at: string | null;
  report: string | null;
}

function rowToRun(row: TestRunRow): SamlTestRun {
  return {
    id: row.id,
    teamId: row.team_id,
    idpId: row.idp_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    completedAt: row.completed_at,
    report: row.report === null ? null : (JSON.parse(row.report) as Record<string, unknown>),
  };
}

export class SqliteSamlTestRunRepo implements SamlTestRunRepo {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      insert: db.prepare(`INSERT INTO saml_test_runs (id, team_id, idp_id, created_by, created_at, expires_at, completed_at, report)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      get: db.prepare('SELECT * FROM saml_test_runs WHERE team_id = ? AND id = ?'),
      getAnyTeam: db.prepare('SELECT * FROM saml_test_runs WHERE id = ?'),
      complete: db.prepare('UPDATE saml_test_runs SET completed_at = ?, report = ? WHERE id = ? AND completed_at IS NULL'),
      deleteExpired: db.prepare('DELETE FROM saml_test_runs WHERE expires_at < ?'),
    };
  }

  async create(run: SamlTestRun): Promise<void> {
    mapUniqueViolation(() =>
      this.statements.insert.run(run.id, run.teamId, run.idpId, run.createdBy, run.createdAt, run.expiresAt, run.completedAt, run.report === null ? null : JSON.stringify(run.report)),
    );
  }

  async get(teamId: string, id: string): Promise<SamlTestRun | null> {
    const row = this.statements.get.get(teamId, id) as TestRunRow | undefined;
    return row ? rowToRun(row) : null;
  }

  async getAnyTeam(id: string): Promise<SamlTestRun | null> {
    const row = this.statements.getAnyTeam.get(id) as TestRunRow | undefined;
    return row ? rowToRun(row) : null;
  }

  async complete(id: string, report: Record<string, unknown>, now: Timestamp): Promise<boolean> {
    return this.statements.complete.run(now, JSON.stringify(report), id).changes === 1;
  }

  async deleteExpired(before: Timestamp): Promise<number> {
    return this.statements.deleteExpired.run(before).changes;
  }
}
