/** The embedded store's side of `gatehouse migrate`: a snapshot reader and an upserting writer. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { foldCase } from '../case-fold';
import { emailRecords, foldUserName } from '../user-attributes';
import type { AuditEntry, IdentityProvider, ScimToken, SpKey, Team, User } from '../port';
import { openDatabase, type Db } from '../sqlite/database';
import { applyMigrations } from '../sqlite/migrations';
import type { GroupRecord, InstanceSecretRecord, InvitationRecord, MembershipRecord, TransferKind, TransferRecords, TransferSource, TransferTarget } from './records';

type Row = Record<string, unknown>;
const str = (v: unknown) => v as string;
const nstr = (v: unknown) => (v ?? null) as string | null;

interface Codec<T> {
  table: string;
  fromRow(row: Row): T;
  toRow(record: T): Row;
  /** Paging order and cursor (default: the id column). */
  order?: { select: string; column: string; cursor(record: T): string; param(cursor: string): unknown };
  /** Primary key columns (default ['id']) and how a transfer key splits into them. */
  key?: { columns: string[]; split(key: string): unknown[] };
}

const teams: Codec<Team> = {
  table: 'teams',
  fromRow: (r) => ({ id: str(r.id), name: str(r.name), createdAt: str(r.created_at), groupManagedRoles: r.group_managed_roles === 1, validateSamlEmails: r.validate_saml_emails === 1, scimProfile: r.scim_profile === 'directory' ? 'directory' : 'strict' }),
  toRow: (t) => ({ id: t.id, name: t.name, created_at: t.createdAt, group_managed_roles: t.groupManagedRoles ? 1 : 0, validate_saml_emails: t.validateSamlEmails ? 1 : 0, scim_profile: t.scimProfile ?? 'strict' }),
};

const users: Codec<User> = {
  table: 'users',
  fromRow: (r) => ({
    id: str(r.id),
    teamId: str(r.team_id),
    handle: str(r.handle),
    userName: nstr(r.user_name),
    email: nstr(r.email),
    displayName: str(r.display_name),
    role: r.role as User['role'],
    status: r.status as User['status'],
    managedBy: r.managed_by as User['managedBy'],
    externalId: nstr(r.external_id),
    passwordHash: nstr(r.password_hash),
    idpId: nstr(r.idp_id),
    nameId: nstr(r.name_id),
    scim: JSON.parse(str(r.scim)) as User['scim'],
    version: Number(r.version),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  }),
  toRow: (u) => ({
    id: u.id,
    team_id: u.teamId,
    handle: u.handle,
    user_name: u.userName ?? null,
    user_name_key: u.userName == null ? null : foldUserName(u.userName),
    email: u.email,
    email_lower: u.email === null ? null : foldCase(u.email),
    display_name: u.displayName,
    role: u.role,
    status: u.status,
    managed_by: u.managedBy,
    external_id: u.externalId,
    password_hash: u.passwordHash,
    idp_id: u.idpId,
    name_id: u.nameId,
    scim: JSON.stringify(u.scim ?? {}),
    version: u.version,
    created_at: u.createdAt,
    updated_at: u.updatedAt,
  }),
};

const scimTokens: Codec<ScimToken> = {
  table: 'scim_tokens',
  fromRow: (r) => ({ id: str(r.id), teamId: str(r.team_id), secretHash: str(r.secret_hash), name: str(r.name), description: str(r.description), idpId: nstr(r.idp_id), createdAt: str(r.created_at) }),
  toRow: (t) => ({ id: t.id, team_id: t.teamId, secret_hash: t.secretHash, name: t.name, description: t.description, idp_id: t.idpId, created_at: t.createdAt }),
};

const identityProviders: Codec<IdentityProvider> = {
  table: 'identity_providers',
  fromRow: (r) => ({
    id: str(r.id),
    teamId: str(r.team_id),
    handle: nstr(r.handle),
    entityId: str(r.entity_id),
    metadataXml: str(r.metadata_xml),
    metadataUrl: nstr(r.metadata_url),
    signingCerts: JSON.parse(str(r.signing_certs)) as string[],
    ssoPostUrl: nstr(r.sso_post_url),
    ssoRedirectUrl: nstr(r.sso_redirect_url),
    replacesId: nstr(r.replaces_id),
    replacedById: nstr(r.replaced_by_id),
    allowIdpInitiated: r.allow_idp_initiated === 1,
    requireEncryptedAssertions: r.require_encrypted_assertions === 1,
    metadataRefreshedAt: nstr(r.metadata_refreshed_at),
    metadataRefreshError: nstr(r.metadata_refresh_error),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  }),
  toRow: (i) => ({
    id: i.id,
    team_id: i.teamId,
    handle: i.handle,
    entity_id: i.entityId,
    metadata_xml: i.metadataXml,
    metadata_url: i.metadataUrl,
    signing_certs: JSON.stringify(i.signingCerts),
    sso_post_url: i.ssoPostUrl,
    sso_redirect_url: i.ssoRedirectUrl,
    replaces_id: i.replacesId,
    replaced_by_id: i.replacedById,
    allow_idp_initiated: i.allowIdpInitiated ? 1 : 0,
    require_encrypted_assertions: i.requireEncryptedAssertions ? 1 : 0,
    metadata_refreshed_at: i.metadataRefreshedAt,
    metadata_refresh_error: i.metadataRefreshError,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
  }),
};

const audit: Codec<AuditEntry> = {
  table: 'audit_log',
  fromRow: (r) => ({
    id: str(r.id),
    teamId: nstr(r.team_id),
    at: str(r.at),
    actor: { type: r.actor_type as AuditEntry['actor']['type'], id: nstr(r.actor_id), name: nstr(r.actor_name) },
    action: str(r.action),
    targetType: nstr(r.target_type),
    targetId: nstr(r.target_id),
    details: JSON.parse(str(r.details)) as AuditEntry['details'],
  }),
  toRow: (a) => ({
    id: a.id,
    team_id: a.teamId,
    at: a.at,
    actor_type: a.actor.type,
    actor_id: a.actor.id,
    actor_name: a.actor.name,
    action: a.action,
    target_type: a.targetType,
    target_id: a.targetId,
    details: JSON.stringify(a.details ?? {}),
  }),
};

const groups: Codec<GroupRecord> = {
  table: 'groups',
  fromRow: (r) => ({
    id: str(r.id),
    teamId: str(r.team_id),
    displayName: str(r.display_name),
    externalId: nstr(r.external_id),
    roleGranted: (r.role_granted ?? null) as GroupRecord['roleGranted'],
    version: Number(r.version),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  }),
  toRow: (g) => ({ id: g.id, team_id: g.teamId, display_name: g.displayName, external_id: g.externalId, role_granted: g.roleGranted, version: g.version, created_at: g.createdAt, updated_at: g.updatedAt }),
};

/** Paged in join order (rowid), so the target inserts them in the same order and lists members alike. */
const memberships: Codec<MembershipRecord> = {
  table: 'group_members',
  fromRow: (r) => ({ id: `${str(r.group_id)}/${str(r.user_id)}`, groupId: str(r.group_id), userId: str(r.user_id), teamId: str(r.team_id), position: Number(r.position) }),
  toRow: (m) => ({ group_id: m.groupId, user_id: m.userId, team_id: m.teamId }),
  order: { select: 'rowid AS position, *', column: 'rowid', cursor: (m) => String(m.position), param: (c) => Number(c) },
  key: { columns: ['group_id', 'user_id'], split: (k) => k.split('/') },
};

const invitations: Codec<InvitationRecord> = {
  table: 'invitations',
  fromRow: (r) => ({
    id: str(r.id),
    // Stores from before 010_email_validation have no purpose column: every link was an invitation.
    purpose: r.purpose === 'email-validation' ? 'email-validation' : 'invitation',
    teamId: str(r.team_id),
    userId: str(r.user_id),
    email: str(r.email),
    tokenHash: str(r.token_hash),
    createdAt: str(r.created_at),
    expiresAt: str(r.expires_at),
    acceptedAt: nstr(r.accepted_at),
    voidedAt: nstr(r.voided_at),
    lastSendError: nstr(r.last_send_error),
  }),
  toRow: (i) => ({
    id: i.id,
    purpose: i.purpose,
    team_id: i.teamId,
    user_id: i.userId,
    email: i.email,
    token_hash: i.tokenHash,
    created_at: i.createdAt,
    expires_at: i.expiresAt,
    accepted_at: i.acceptedAt,
    voided_at: i.voidedAt,
    last_send_error: i.lastSendError,
  }),
};

const spKeys: Codec<SpKey> = {
  table: 'sp_keys',
  fromRow: (r) => ({
    id: str(r.id),
    use: r.use as SpKey['use'],
    state: r.state as SpKey['state'],
    certPem: str(r.cert_pem),
    sealedPrivateKey: str(r.sealed_private_key),
    createdAt: str(r.created_at),
    activatedAt: nstr(r.activated_at),
  }),
  toRow: (k) => ({ id: k.id, use: k.use, state: k.state, cert_pem: k.certPem, sealed_private_key: k.sealedPrivateKey, created_at: k.createdAt, activated_at: k.activatedAt }),
};

const instanceSecrets: Codec<InstanceSecretRecord> = {
  table: 'instance_secrets',
  fromRow: (r) => ({ id: str(r.name), name: str(r.name), sealedValue: str(r.sealed_value), createdAt: str(r.created_at) }),
  toRow: (s) => ({ name: s.name, sealed_value: s.sealedValue, created_at: s.createdAt }),
  order: { select: '*', column: 'name', cursor: (s) => s.name, param: (c) => c },
  key: { columns: ['name'], split: (k) => [k] },
};

const CODECS: { [K in TransferKind]: Codec<TransferRecords[K]> } = { teams, users, scimTokens, identityProviders, groups, memberships, invitations, audit, spKeys, instanceSecrets };

const keyColumns = (codec: Codec<never>) => codec.key?.columns ?? ['id'];
const splitKey = (codec: Codec<never>, key: string) => (codec.key ? codec.key.split(key) : [key]);
const hasTable = (db: Db, table: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;

/**
 * Reads through its own connection inside one read transaction: in WAL mode that is a snapshot,
 * so the copy is consistent even while the server keeps writing.
 */
export class SqliteTransferSource implements TransferSource {
  private readonly db: Db;

  constructor(readonly file: string) {
    this.db = openDatabase(file);
    applyMigrations(this.db);
    this.db.exec('BEGIN');
    this.db.prepare('SELECT count(*) FROM teams').get(); // the first read fixes the snapshot
  }

  get description(): string {
    return `sqlite:${this.file}`;
  }

  supports(kind: TransferKind): boolean {
    return hasTable(this.db, CODECS[kind].table);
  }

  async count(kind: TransferKind): Promise<number> {
    if (!this.supports(kind)) return 0;
    return Number(this.db.prepare(`SELECT count(*) FROM ${CODECS[kind].table}`).pluck().get());
  }

  async page<K extends TransferKind>(kind: K, after: string | null, limit: number): Promise<Array<TransferRecords[K]>> {
    if (!this.supports(kind)) return [];
    const codec = CODECS[kind] as Codec<TransferRecords[K]>;
    const select = codec.order?.select ?? '*';
    const column = codec.order?.column ?? 'id';
    const rows = (
      after === null
        ? this.db.prepare(`SELECT ${select} FROM ${codec.table} ORDER BY ${column} LIMIT ?`).all(limit)
        : this.db.prepare(`SELECT ${select} FROM ${codec.table} WHERE ${column} > ? ORDER BY ${column} LIMIT ?`).all(codec.order ? codec.order.param(after) : after, limit)
    ) as Row[];
    return rows.map((r) => codec.fromRow(r));
  }

  cursorOf<K extends TransferKind>(kind: K, record: TransferRecords[K]): string {
    const codec = CODECS[kind] as Codec<TransferRecords[K]>;
    return codec.order ? codec.order.cursor(record) : (record as { id: string }).id;
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.close();
  }
}

/** Upserts into a SQLite file (created and migrated if new): SQLite → SQLite copies, and the tests of the command. */
export class SqliteTransferTarget implements TransferTarget {
  private readonly db: Db;

  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.db = openDatabase(file);
    applyMigrations(this.db);
  }

  get description(): string {
    return `sqlite:${this.file}`;
  }

  supports(kind: TransferKind): boolean {
    return hasTable(this.db, CODECS[kind].table);
  }

  async upsert<K extends TransferKind>(kind: K, records: Array<TransferRecords[K]>): Promise<void> {
    if (records.length === 0) return;
    const codec = CODECS[kind] as Codec<TransferRecords[K]>;
    const columns = Object.keys(codec.toRow(records[0]!));
    const keys = keyColumns(codec as Codec<never>);
    const updated = columns.filter((c) => !keys.includes(c));
    const statement = this.db.prepare(
      `INSERT INTO ${codec.table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')}) ` +
        `ON CONFLICT(${keys.join(', ')}) DO UPDATE SET ${updated.map((c) => `"${c}" = excluded."${c}"`).join(', ')}`,
    );
    const clearEmails = this.db.prepare('DELETE FROM user_emails WHERE user_id = ?');
    const insertEmail = this.db.prepare('INSERT INTO user_emails (user_id, team_id, position, value, value_lower, type, "primary", display) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const record of records) {
        statement.run(codec.toRow(record));
        if (kind === 'users') {
          // The searchable copy of scim.emails that the SQLite adapter keeps beside each user.
          const user = record as User;
          clearEmails.run(user.id);
          for (const e of emailRecords(user.scim)) insertEmail.run(user.id, user.teamId, e.position, e.value, e.value === null ? null : foldCase(e.value), e.type, e.primary ? 1 : 0, e.display);
        }
      }
    })();
  }

  async countExisting(kind: TransferKind, keys: string[]): Promise<number> {
    if (keys.length === 0 || !this.supports(kind)) return 0;
    const codec = CODECS[kind] as Codec<never>;
    // One primary-key lookup per key: index-only, and composite keys (memberships) work the same way.
    const exists = this.db.prepare(`SELECT 1 FROM ${codec.table} WHERE ${keyColumns(codec).map((c) => `${c} = ?`).join(' AND ')}`);
    return keys.filter((key) => exists.get(...splitKey(codec, key)) !== undefined).length;
  }

  async count(kind: TransferKind): Promise<number> {
    if (!this.supports(kind)) return 0;
    return Number(this.db.prepare(`SELECT count(*) FROM ${CODECS[kind].table}`).pluck().get());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
