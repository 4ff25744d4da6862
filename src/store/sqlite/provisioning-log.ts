import { timeOrderedId } from '../ids';
import { nonNegativeInt } from '../paging';
import type { ProvisioningLogEntry, ProvisioningLogRepo } from '../port';
import type { Db } from './database';

interface ProvisioningRow {
  id: string;
  team_id: string;
  at: string;
  token_id: string | null;
  method: string;
  path: string;
  status: number;
  scim_type: string | null;
  detail: string | null;
  duration_ms: number;
}

export class SqliteProvisioningLogRepo implements ProvisioningLogRepo {
  private readonly statements;

  private readonly insertMany;

  constructor(db: Db) {
    this.statements = {
      insert: db.prepare(`INSERT INTO provisioning_log (id, team_id, at, token_id, method, path, status, scim_type, detail, duration_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      list: db.prepare('SELECT * FROM provisioning_log WHERE team_id = ? ORDER BY at DESC, id DESC LIMIT ?'),
      // Everything after the newest `keep` rows, found through the (team_id, at, id) index.
      prune: db.prepare(`DELETE FROM provisioning_log WHERE id IN (
        SELECT id FROM provisioning_log WHERE team_id = ? ORDER BY at DESC, id DESC LIMIT -1 OFFSET ?)`),
    };
    this.insertMany = db.transaction((entries: Omit<ProvisioningLogEntry, 'id'>[]) => {
      for (const e of entries) this.statements.insert.run(timeOrderedId(), e.teamId, e.at, e.tokenId, e.method, e.path, e.status, e.scimType, e.detail, e.durationMs);
    });
  }

  async append(e: Omit<ProvisioningLogEntry, 'id'>): Promise<void> {
    this.statements.insert.run(timeOrderedId(), e.teamId, e.at, e.tokenId, e.method, e.path, e.status, e.scimType, e.detail, e.durationMs);
  }

  async appendMany(entries: Omit<ProvisioningLogEntry, 'id'>[]): Promise<void> {
    this.insertMany(entries);
  }

  async list(teamId: string, limit: number): Promise<ProvisioningLogEntry[]> {
    const rows = this.statements.list.all(teamId, nonNegativeInt(limit)) as ProvisioningRow[];
    return rows.map((r) => ({
      id: r.id,
      teamId: r.team_id,
      at: r.at,
      tokenId: r.token_id,
      method: r.method,
      path: r.path,
      status: r.status,
      scimType: r.scim_type,
      detail: r.detail,
      durationMs: r.duration_ms,
    }));
  }

  async prune(teamId: string, keep: number): Promise<void> {
    this.statements.prune.run(teamId, nonNegativeInt(keep));
  }
}
