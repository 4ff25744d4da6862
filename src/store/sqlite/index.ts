import type { Store } from '../port';
import { SqliteAuditRepo } from './audit';
import { SqliteGroupRepo } from './groups';
import { GroupCommit } from './group-commit';
import { openDatabase, type Db, type SqliteOptions } from './database';
import { SqliteIdentityProviderRepo } from './idps';
import { SqliteInvitationRepo } from './invitations';
import { SqliteInstanceSecretRepo, SqliteSpKeyRepo } from './keys';
import { applyMigrations } from './migrations';
import { SqliteProvisioningLogRepo } from './provisioning-log';
import { SqliteRateLimitRepo } from './rate-limits';
import { SqliteReplayCacheRepo } from './replay-cache';
import { SqliteSamlRequestRepo } from './saml-requests';
import { SqliteSamlTestRunRepo } from './saml-test-runs';
import { SqliteSessionRepo } from './sessions';
import { SqliteTeamRepo } from './teams';
import { SqliteScimTokenRepo } from './tokens';
import { SqliteUserRepo } from './users';

export type { Durability, SqliteOptions } from './database';

/** The embedded store: one better-sqlite3 connection per process; several processes may share the file. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly teams: SqliteTeamRepo;
  readonly users: SqliteUserRepo;
  readonly scimTokens: SqliteScimTokenRepo;
  readonly sessions: SqliteSessionRepo;
  readonly audit: SqliteAuditRepo;
  readonly provisioningLog: SqliteProvisioningLogRepo;
  readonly idps: SqliteIdentityProviderRepo;
  readonly samlRequests: SqliteSamlRequestRepo;
  readonly replayCache: SqliteReplayCacheRepo;
  readonly rateLimits: SqliteRateLimitRepo;
  readonly samlTestRuns: SqliteSamlTestRunRepo;
  readonly groups: SqliteGroupRepo;
  readonly invitations: SqliteInvitationRepo;
  readonly spKeys: SqliteSpKeyRepo;
  readonly secrets: SqliteInstanceSecretRepo;
  private readonly pingStatement;
  /** Group commit for the frequent writes (SCIM users and their audit entries). */
  private readonly writes: GroupCommit;

  constructor(private readonly db: Db) {
    this.writes = new GroupCommit(db);
    this.audit = new SqliteAuditRepo(db, this.writes);
    this.users = new SqliteUserRepo(db, this.audit, this.writes);
    this.teams = new SqliteTeamRepo(db, this.users);
    this.scimTokens = new SqliteScimTokenRepo(db);
    this.sessions = new SqliteSessionRepo(db);
    this.provisioningLog = new SqliteProvisioningLogRepo(db);
    this.idps = new SqliteIdentityProviderRepo(db);
    this.samlRequests = new SqliteSamlRequestRepo(db);
    this.replayCache = new SqliteReplayCacheRepo(db);
    this.rateLimits = new SqliteRateLimitRepo(db);
    this.samlTestRuns = new SqliteSamlTestRunRepo(db);
    this.groups = new SqliteGroupRepo(db, this.audit);
    this.invitations = new SqliteInvitationRepo(db);
    this.spKeys = new SqliteSpKeyRepo(db);
    this.secrets = new SqliteInstanceSecretRepo(db);
    this.pingStatement = db.prepare('SELECT 1');
  }

  async ping(): Promise<void> {
    this.pingStatement.get();
  }

  /** The connection's effective pragmas, for diagnostics and tests. */
  connectionSettings(): { journalMode: string; synchronous: 'normal' | 'full' | 'other'; foreignKeys: boolean; busyTimeoutMs: number } {
    const synchronous = this.db.pragma('synchronous', { simple: true });
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: synchronous === 1 ? 'normal' : synchronous === 2 ? 'full' : 'other',
      foreignKeys: this.db.pragma('foreign_keys', { simple: true }) === 1,
      busyTimeoutMs: Number(this.db.pragma('busy_timeout', { simple: true })),
    };
  }

  /** Online backup to `file` (consistent even while other processes write). */
  async backup(file: string): Promise<{ totalPages: number }> {
    const result = await this.db.backup(file);
    return { totalPages: result.totalPages };
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.writes.flush();
    this.db.pragma('optimize'); // SQLite's advice for connections about to close: refresh planner statistics
    this.db.close();
  }
}

/** Opens (creating if needed) the database file and brings its schema up to date. */
export function openSqliteStore(file: string, options: SqliteOptions = {}): SqliteStore {
  const db = openDatabase(file, options);
  try {
    applyMigrations(db);
    return new SqliteStore(db);
  } catch (e) {
    db.close();
    throw e;
  }
}
