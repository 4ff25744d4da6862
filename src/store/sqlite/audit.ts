import { stampAuditEntry } from '../audit-entry';
import type { AuditEntry, AuditQuery, AuditRepo, NewAuditEntry } from '../port';
import { nonNegativeInt } from '../paging';
import type { Db } from './database';
import type { GroupCommit } from './group-commit';
import { joinSql, q, StatementCache, type Sql } from './sql';

interface AuditRow {
  id: string;
  team_id: string | null;
  at: string;
  actor_type: AuditEntry['actor']['type'];
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: string;
}

function rowToEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    teamId: row.team_id,
    at: row.at,
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name },
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    details: JSON.parse(row.details) as AuditEntry['details'],
  };
}

export class SqliteAuditRepo implements AuditRepo {
  private readonly insert;
  private readonly prepared: StatementCache;

  constructor(
    private readonly db: Db,
    private readonly writes: GroupCommit,
  ) {
    this.prepared = new StatementCache(db);
    this.insert = db.prepare(`INSERT INTO audit_log (id, team_id, at, actor_type, actor_id, actor_name, action, target_type, target_id, details)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    return this.writes.run(() => this.insertNow(entry));
  }

  /** Synchronous insert, for callers inside their own transaction (a user write and its audit entries). */
  insertNow(entry: NewAuditEntry): AuditEntry {
    const stored = stampAuditEntry(entry);
    const { actor } = stored;
    this.insert.run(stored.id, stored.teamId, stored.at, actor.type, actor.id, actor.name, stored.action, stored.targetType, stored.targetId, JSON.stringify(stored.details));
    return stored;
  }

  /** Newest first; `before` continues after the last entry of the previous page. */
  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const conditions: Sql[] = [q`team_id = ${query.teamId}`];
    if (query.actorId !== undefined) conditions.push(q`actor_id = ${query.actorId}`);
    if (query.action !== undefined) conditions.push(q`action = ${query.action}`);
    if (query.since !== undefined) conditions.push(q`at >= ${query.since}`);
    if (query.until !== undefined) conditions.push(q`at <= ${query.until}`);
    if (query.before) conditions.push(q`(at < ${query.before.at} OR (at = ${query.before.at} AND id < ${query.before.id}))`);
    const sql = q`SELECT * FROM audit_log WHERE ${joinSql(conditions, ' AND ')} ORDER BY at DESC, id DESC LIMIT ${nonNegativeInt(query.limit)}`;
    return (this.prepared.get(sql.text).all(...sql.params) as AuditRow[]).map(rowToEntry);
  }
}
