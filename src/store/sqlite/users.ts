import { VersionConflictError, type NewAuditEntry, type NewUser, type Page, type User, type UserQuery, type UserRepo } from '../port';
import { pageWindow } from '../paging';
import { isoNow } from '../time';
import type { SqliteAuditRepo } from './audit';
import type { Db } from './database';
import { mapUniqueViolation } from './errors';
import { compileUserFilter } from './filter-sql';
import { compileUserSort } from './sort-sql';
import { q, type Sql } from './sql';
import { UserEmailWriter, rowToUser, userParams, type UserRow } from './user-rows';

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

const INSERT_USER = `INSERT INTO users (id, team_id, handle, email, email_lower, display_name, role, status, managed_by,
  external_id, password_hash, idp_id, name_id, scim, version, created_at, updated_at)
  VALUES (@id, @team_id, @handle, @email, @email_lower, @display_name, @role, @status, @managed_by,
  @external_id, @password_hash, @idp_id, @name_id, @scim, 1, @created_at, @created_at) RETURNING *`;

// One statement decides both "still there" and "unchanged since read": no read-then-write race.
const UPDATE_USER = `UPDATE users SET handle = @handle, email = @email, email_lower = @email_lower,
  display_name = @display_name, role = @role, status = @status, managed_by = @managed_by,
  external_id = @external_id, password_hash = @password_hash, idp_id = @idp_id, name_id = @name_id,
  scim = @scim, version = version + 1, updated_at = @updated_at
  WHERE id = @id AND team_id = @team_id AND version = @expected_version RETURNING *`;

export class SqliteUserRepo implements UserRepo {
  private readonly emails: UserEmailWriter;
  private readonly statements;
  private readonly createTx;
  private readonly updateTx;
  private readonly deleteTx;

  constructor(
    private readonly db: Db,
    private readonly audit: SqliteAuditRepo,
  ) {
    this.emails = new UserEmailWriter(db);
    this.statements = {
      insert: db.prepare(INSERT_USER),
      update: db.prepare(UPDATE_USER),
      get: db.prepare('SELECT * FROM users WHERE id = ? AND team_id = ?'),
      getAnyTeam: db.prepare('SELECT * FROM users WHERE id = ?'),
      byEmail: db.prepare('SELECT * FROM users WHERE email_lower = ?'),
      byHandle: db.prepare('SELECT * FROM users WHERE handle = ? COLLATE NOCASE'),
      byExternalId: db.prepare('SELECT * FROM users WHERE team_id = ? AND external_id = ?'),
      byNameId: db.prepare('SELECT * FROM users WHERE team_id = ? AND idp_id = ? AND name_id = ?'),
      countByTeam: db.prepare('SELECT count(*) FROM users WHERE team_id = ?').pluck(),
      deleteSessions: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
      deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
      dependents: USER_DEPENDENT_TABLES.map((d) => db.prepare(`DELETE FROM ${d.table} WHERE ${d.userColumn} = ?`)),
    };
    this.createTx = db.transaction((user: NewUser, audit: readonly NewAuditEntry[]) => {
      const created = this.insertNow(user);
      this.appendAudit(audit);
      return created;
    });
    this.updateTx = db.transaction((user: User, expectedVersion: number, audit: readonly NewAuditEntry[]) => {
      const updated = this.updateNow(user, expectedVersion);
      if (updated) this.appendAudit(audit);
      return updated;
    });
    this.deleteTx = db.transaction((teamId: string, id: string, audit: readonly NewAuditEntry[]) => {
      const deleted = this.deleteNow(teamId, id);
      if (deleted) this.appendAudit(audit);
      return deleted;
    });
  }

  /** Synchronous insert for callers already inside a transaction (teams.createWithOwner). */
  insertNow(user: NewUser): User {
    const row = this.statements.insert.get({ ...userParams(user), created_at: user.createdAt ?? isoNow() }) as UserRow;
    this.emails.replace(user.id, user.teamId, user.scim);
    return rowToUser(row);
  }

  async create(user: NewUser, audit: readonly NewAuditEntry[] = []): Promise<User> {
    return mapUniqueViolation(() => this.createTx.immediate(user, audit));
  }

  async get(teamId: string, id: string): Promise<User | null> {
    return this.one(this.statements.get.get(id, teamId));
  }

  async getAnyTeam(id: string): Promise<User | null> {
    return this.one(this.statements.getAnyTeam.get(id));
  }

  async findByEmail(email: string): Promise<User | null> {
    return this.one(this.statements.byEmail.get(email.toLowerCase()));
  }

  async findByHandle(handle: string): Promise<User | null> {
    return this.one(this.statements.byHandle.get(handle));
  }

  async findByExternalId(teamId: string, externalId: string): Promise<User | null> {
    return this.one(this.statements.byExternalId.get(teamId, externalId));
  }

  async findByNameId(teamId: string, idpId: string, nameId: string): Promise<User | null> {
    return this.one(this.statements.byNameId.get(teamId, idpId, nameId));
  }

  async list(teamId: string, query: UserQuery): Promise<Page<User>> {
    const where: Sql = query.filter ? q`u.team_id = ${teamId} AND (${compileUserFilter(query.filter, teamId)})` : q`u.team_id = ${teamId}`;
    const { offset, limit } = pageWindow(query.startIndex, query.count);
    const count = q`SELECT count(*) FROM users u WHERE ${where}`;
    const total = this.db.prepare(count.text).pluck().get(...count.params) as number;
    if (limit === 0 || offset >= total) return { total, items: [] };
    const page = q`SELECT u.* FROM users u WHERE ${where} ${compileUserSort(query)} LIMIT ${limit} OFFSET ${offset}`;
    const rows = this.db.prepare(page.text).all(...page.params) as UserRow[];
    return { total, items: rows.map(rowToUser) };
  }

  async countByTeam(teamId: string): Promise<number> {
    return this.statements.countByTeam.get(teamId) as number;
  }

  async update(user: User, expectedVersion: number, audit: readonly NewAuditEntry[] = []): Promise<User | null> {
    return mapUniqueViolation(() => this.updateTx.immediate(user, expectedVersion, audit));
  }

  async delete(teamId: string, id: string, audit: readonly NewAuditEntry[] = []): Promise<boolean> {
    return this.deleteTx.immediate(teamId, id, audit);
  }

  private appendAudit(entries: readonly NewAuditEntry[]): void {
    for (const entry of entries) this.audit.insertNow(entry);
  }

  private updateNow(user: User, expectedVersion: number): User | null {
    const params = { ...userParams(user), expected_version: expectedVersion, updated_at: isoNow() };
    const row = this.statements.update.get(params) as UserRow | undefined;
    if (!row) {
      if (!this.statements.get.get(user.id, user.teamId)) return null;
      throw new VersionConflictError();
    }
    this.emails.replace(row.id, row.team_id, user.scim);
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
