import { foldCase } from '../case-fold';
import { DIRECTORY_MANAGED_BY, VersionConflictError, type NewAuditEntry, type NewUser, type Page, type User, type UserQuery, type UserRepo } from '../port';
import { pageWindow } from '../paging';
import { isoNow } from '../time';
import type { SqliteAuditRepo } from './audit';
import type { Db } from './database';
import type { GroupCommit } from './group-commit';
import { mapUniqueViolation } from './errors';
import { compileUserFilter } from './filter-sql';
import { compileUserSort } from './sort-sql';
import { q, raw, StatementCache, type Sql } from './sql';
import { foldUserName } from '../user-attributes';
import { UserEmailWriter, rowToUser, sameEmails, userParams, type UserRow } from './user-rows';

/**
 * Tables holding rows that hang off a user, deleted with it in one transaction.
 * Later features append theirs here (group memberships, invitations…); the foreign keys
 * (no ON DELETE CASCADE) make a forgotten table fail the delete loudly instead of leaving orphans.
 */
export const USER_DEPENDENT_TABLES: ReadonlyArray<{ table: string; userColumn: string }> = [
  { table: 'user_emails', userColumn: 'user_id' },
  { table: 'sessions', userColumn: 'user_id' },
  { table: 'group_members', userColumn: 'user_id' },
  { table: 'invitations', userColumn: 'user_id' },
];

/** Up to this many matches, a filtered list sorts them itself instead of walking the created-order index (sort-sql.ts). */
export const FEW_ROWS = 1000;

/**
 * The 'directory' scope (port.ts DIRECTORY_MANAGED_BY: every managed_by but 'manual'). Its count is the
 * team's count (the query and plan of the 'team' scope) minus the password accounts that match, read
 * through the partial index users_team_manual (migration 011) of those few rows. Its page adds an IN
 * list, which keeps the planner walking the sort's index (users_team_created_at, users_team_display_name…).
 */
export const DIRECTORY_PAGE_SQL = raw(`u.managed_by IN (${DIRECTORY_MANAGED_BY.map((m) => `'${m}'`).join(', ')})`);
export const OUTSIDE_DIRECTORY_COUNT = (where: Sql): Sql => q`SELECT count(*) FROM users u INDEXED BY users_team_manual WHERE u.managed_by = 'manual' AND ${where}`;

const INSERT_USER = `INSERT INTO users (id, team_id, handle, user_name, user_name_key, email, email_lower, display_name, role, status, managed_by,
  external_id, password_hash, idp_id, name_id, scim, version, created_at, updated_at)
  VALUES (@id, @team_id, @handle, @user_name, @user_name_key, @email, @email_lower, @display_name, @role, @status, @managed_by,
  @external_id, @password_hash, @idp_id, @name_id, @scim, 1, @created_at, @created_at) RETURNING *`;

/** The columns an update may change (userParams' keys apart from the row's identity). */
const MUTABLE_COLUMNS = ['handle', 'user_name', 'user_name_key', 'email', 'email_lower', 'display_name', 'role', 'status', 'managed_by', 'external_id', 'password_hash', 'idp_id', 'name_id', 'scim'] as const;
type MutableColumn = (typeof MUTABLE_COLUMNS)[number];

/**
 * An UPDATE that sets only `columns` (plus version and updated_at). Setting a column rewrites every
 * index that contains it even when the value is the same, and users has nine indexes: a PATCH of
 * `active` that set all columns dirtied ~10 pages per commit instead of 3. The version condition
 * stays in the statement as well as in the caller's check.
 */
function updateStatement(columns: readonly MutableColumn[]): string {
  const sets = [...columns.map((c) => `${c} = @${c}`), 'version = version + 1', 'updated_at = @updated_at'];
  return `UPDATE users SET ${sets.join(', ')} WHERE id = @id AND team_id = @team_id AND version = @expected_version RETURNING *`;
}

export class SqliteUserRepo implements UserRepo {
  private readonly emails: UserEmailWriter;
  private readonly statements;
  /** List queries and the UPDATEs by the set of columns they change. */
  private readonly prepared: StatementCache;

  constructor(
    private readonly db: Db,
    private readonly audit: SqliteAuditRepo,
    private readonly writes: GroupCommit,
  ) {
    this.emails = new UserEmailWriter(db);
    this.prepared = new StatementCache(db);
    this.statements = {
      insert: db.prepare(INSERT_USER),
      get: db.prepare('SELECT * FROM users WHERE id = ? AND team_id = ?'),
      getAnyTeam: db.prepare('SELECT * FROM users WHERE id = ?'),
      byEmail: db.prepare('SELECT * FROM users WHERE email_lower = ?'),
      byHandle: db.prepare('SELECT * FROM users WHERE handle = ? COLLATE NOCASE'),
      // A strict user (no user_name_key) first: its externalId is unique and is a SAML subject.
      byExternalId: db.prepare('SELECT * FROM users WHERE team_id = ? AND external_id = ? ORDER BY user_name_key IS NOT NULL LIMIT 1'),
      byUserName: db.prepare('SELECT * FROM users WHERE team_id = ? AND user_name_key = ?'),
      byNameId: db.prepare('SELECT * FROM users WHERE team_id = ? AND idp_id = ? AND name_id = ?'),
      countByTeam: db.prepare('SELECT count(*) FROM users WHERE team_id = ?').pluck(),
      teamHasToken: db.prepare('SELECT 1 FROM scim_tokens WHERE team_id = ? LIMIT 1').pluck(),
      deleteSessions: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
      deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
      dependents: USER_DEPENDENT_TABLES.map((d) => db.prepare(`DELETE FROM ${d.table} WHERE ${d.userColumn} = ?`)),
    };
  }

  /** Synchronous insert for callers already inside a transaction (teams.createWithOwner). */
  insertNow(user: NewUser): User {
    const row = this.statements.insert.get({ ...userParams(user), created_at: user.createdAt ?? isoNow() }) as UserRow;
    this.emails.replace(user.id, user.teamId, user.scim);
    return rowToUser(row);
  }

  async create(user: NewUser, audit: readonly NewAuditEntry[] = []): Promise<User> {
    return this.write(() => {
      const created = this.insertNow(user);
      this.appendAudit(audit);
      return created;
    });
  }

  /**
   * The group commit runs this inside an IMMEDIATE transaction (the write lock is held from the
   * check to the insert), and token creation takes the same lock (tokens.createWithinLimit): no
   * token can appear between the count and the insert, in this process or another.
   */
  async createUnlessTeamHasScimTokens(user: NewUser, audit: readonly NewAuditEntry[] = []): Promise<User | null> {
    return this.write(() => {
      if (this.statements.teamHasToken.get(user.teamId)) return null;
      const created = this.insertNow(user);
      this.appendAudit(audit);
      return created;
    });
  }

  async get(teamId: string, id: string): Promise<User | null> {
    return this.one(this.statements.get.get(id, teamId));
  }

  async getAnyTeam(id: string): Promise<User | null> {
    return this.one(this.statements.getAnyTeam.get(id));
  }

  async findByEmail(email: string): Promise<User | null> {
    return this.one(this.statements.byEmail.get(foldCase(email)));
  }

  async findByHandle(handle: string): Promise<User | null> {
    return this.one(this.statements.byHandle.get(handle));
  }

  async findByExternalId(teamId: string, externalId: string): Promise<User | null> {
    return this.one(this.statements.byExternalId.get(teamId, externalId));
  }

  async findByUserName(teamId: string, userName: string): Promise<User | null> {
    return this.one(this.statements.byUserName.get(teamId, foldUserName(userName)));
  }

  async findByNameId(teamId: string, idpId: string, nameId: string): Promise<User | null> {
    return this.one(this.statements.byNameId.get(teamId, idpId, nameId));
  }

  async list(teamId: string, query: UserQuery): Promise<Page<User>> {
    const where: Sql = query.filter ? q`u.team_id = ${teamId} AND (${compileUserFilter(query.filter, teamId)})` : q`u.team_id = ${teamId}`;
    const directory = query.scope === 'directory';
    const { offset, limit } = pageWindow(query.startIndex, query.count);
    const count = q`SELECT count(*) FROM users u WHERE ${where}`;
    let total = this.prepared.get(count.text).pluck().get(...count.params) as number;
    if (directory) {
      const outside = OUTSIDE_DIRECTORY_COUNT(where);
      total -= this.prepared.get(outside.text).pluck().get(...outside.params) as number;
    }
    if (limit === 0 || offset >= total) return { total, items: [] };
    const scoped = directory ? q`${where} AND ${DIRECTORY_PAGE_SQL}` : where;
    // A filter matching few users: sort those few rather than walk the team in created order (sort-sql.ts).
    const page = q`SELECT u.* FROM users u WHERE ${scoped} ${compileUserSort(query, query.filter !== undefined && total <= FEW_ROWS)} LIMIT ${limit} OFFSET ${offset}`;
    const rows = this.prepared.get(page.text).all(...page.params) as UserRow[];
    return { total, items: rows.map(rowToUser) };
  }

  async countByTeam(teamId: string): Promise<number> {
    return this.statements.countByTeam.get(teamId) as number;
  }

  async update(user: User, expectedVersion: number, audit: readonly NewAuditEntry[] = []): Promise<User | null> {
    return this.write(() => {
      const updated = this.updateNow(user, expectedVersion);
      if (updated) this.appendAudit(audit);
      return updated;
    });
  }

  async delete(teamId: string, id: string, audit: readonly NewAuditEntry[] = []): Promise<boolean> {
    return this.write(() => {
      const deleted = this.deleteNow(teamId, id);
      if (deleted) this.appendAudit(audit);
      return deleted;
    });
  }

  /** A write and its audit entries, atomic, in the store's next group commit. */
  private async write<T>(work: () => T): Promise<T> {
    return this.writes.run(() => mapUniqueViolation(work));
  }

  private appendAudit(entries: readonly NewAuditEntry[]): void {
    for (const entry of entries) this.audit.insertNow(entry);
  }

  private updateNow(user: User, expectedVersion: number): User | null {
    const current = this.statements.get.get(user.id, user.teamId) as UserRow | undefined;
    if (!current) return null;
    // The transaction holds the write lock (IMMEDIATE): this check cannot race another writer.
    if (current.version !== expectedVersion) throw new VersionConflictError();
    const params = userParams(user);
    const changed = MUTABLE_COLUMNS.filter((column) => params[column] !== current[column]);
    const values: Record<string, unknown> = { id: user.id, team_id: user.teamId, expected_version: expectedVersion, updated_at: isoNow() };
    for (const column of changed) values[column] = params[column];
    const row = this.prepared.get(updateStatement(changed)).get(values) as UserRow | undefined;
    if (!row) throw new VersionConflictError();
    if (changed.includes('scim') && !sameEmails(current.scim, user.scim)) this.emails.replace(row.id, row.team_id, user.scim);
    // A suspended or pending user must not keep signed-in sessions.
    if (row.status !== 'active') this.statements.deleteSessions.run(row.id);
    return rowToUser(row);
  }

  private deleteNow(teamId: string, id: string): boolean {
    if (!this.statements.get.get(id, teamId)) return false; // never touch another team's user
    for (const dependent of this.statements.dependents) dependent.run(id);
    this.statements.deleteUser.run(id);
    return true;
  }

  private one(row: unknown): User | null {
    return row ? rowToUser(row as UserRow) : null;
  }
}
