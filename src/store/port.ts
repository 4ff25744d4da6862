/**
 * The storage port: every piece of Gatehouse state goes through these interfaces.
 * Two adapters implement it (src/store/sqlite, src/store/mongo) and one contract suite
 * (test/contract) runs against each. Writes that span several records are single methods
 * here so each adapter can run them in one transaction (SQLite) / session (MongoDB).
 */
import type { InvitationRepo } from './invitation-port';
import type { FilterNode } from './query';

export type Role = 'owner' | 'admin' | 'member';
export type UserStatus = 'active' | 'suspended' | 'pending';
export type ManagedBy = 'scim' | 'sso' | 'manual';
export type ScimProfile = 'strict' | 'directory'; // src/scim/profile.ts

/**
 * Whom a read sees: every user of the team, or only those the team's SCIM directory may own (issue 14):
 * users it created, SSO self-signups and invited users — everyone but password-only accounts
 * (managed_by 'manual': the owners and admins, until an owner hands one over to the directory).
 */
export type UserScope = 'team' | 'directory';
/** The managed_by values a directory may see and change; adapters compile the 'directory' scope from this. */
export const DIRECTORY_MANAGED_BY: readonly ManagedBy[] = ['scim', 'sso'];
export function directoryMayOwn(user: Pick<User, 'managedBy'>): boolean {
  return DIRECTORY_MANAGED_BY.includes(user.managedBy);
}

/** ISO-8601 UTC timestamps with milliseconds: they sort lexicographically. */
export type Timestamp = string;

export interface Team {
  id: string;
  name: string;
  createdAt: Timestamp;
  /** When on, membership in the team's role groups sets users' roles (issue: SCIM groups). */
  groupManagedRoles: boolean;
  /** When on, an email-shaped SAML identifier provisioned through SCIM gets a validation mail (issue 21). */
  validateSamlEmails: boolean;
  scimProfile?: ScimProfile; // absent means 'strict'; adapters always return it
}

export interface User {
  id: string;
  teamId: string;
  /** The public handle; unique on the instance; a-z0-9_.-. Also the SCIM userName unless `userName` is set. */
  handle: string;
  userName?: string | null; // directory profile: as sent, unique per team ignoring A–Z case, the SAML subject
  /** Sign-in email for password users; unique on the instance when set. */
  email: string | null;
  displayName: string;
  role: Role;
  status: UserStatus;
  managedBy: ManagedBy;
  /** SCIM externalId; unique within the team among strict users (userName null); opaque for directory users. */
  externalId: string | null;
  passwordHash: string | null;
  /** SAML binding: the IdP and NameID this user signs in with (set on first SSO login or JIT). */
  idpId: string | null;
  nameId: string | null;
  /** Every other SCIM attribute (name, emails, phoneNumbers, extensions…), as stored JSON. */
  scim: Record<string, unknown>;
  /** Incremented on every write; the SCIM ETag is derived from it. */
  version: number;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type NewUser = Omit<User, 'version' | 'createdAt' | 'updatedAt'> & { createdAt?: Timestamp };

export interface Page<T> {
  total: number;
  items: T[];
}

export interface UserQuery {
  filter?: FilterNode;
  /** Absent means 'team'. 'directory' is an indexed predicate, so totals and pages count only those users. */
  scope?: UserScope;
  /** Attribute path as in the filter grammar (e.g. "userName", "name.familyName", "meta.created"). */
  sortBy?: string;
  sortOrder?: 'ascending' | 'descending';
  /** 1-based, as in SCIM. */
  startIndex: number;
  count: number;
}

export interface ScimToken {
  id: string;
  teamId: string;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  secretHash: string;
  name: string;
  description: string;
  idpId: string | null;
  createdAt: Timestamp;
}

export type SessionKind = 'access' | 'session';
export interface Session {
  /** SHA-256 (hex) of the bearer/cookie secret. */
  tokenHash: string;
  kind: SessionKind;
  userId: string;
  teamId: string;
  createdAt: Timestamp;
  expiresAt: Timestamp;
}

export interface AuditActor {
  type: 'user' | 'scim-token' | 'operator' | 'system' | 'anonymous';
  id: string | null;
  name: string | null;
}
export interface AuditEntry {
  id: string;
  teamId: string | null;
  at: Timestamp;
  actor: AuditActor;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'> & { at?: Timestamp };
export interface AuditQuery {
  teamId: string;
  actorId?: string;
  action?: string;
  /** Inclusive. */
  since?: Timestamp;
  /** Inclusive. */
  until?: Timestamp;
  limit: number;
  /** Return entries strictly older than this (id-stable paging, newest first). */
  before?: { at: Timestamp; id: string };
}

export interface ProvisioningLogEntry {
  id: string;
  teamId: string;
  at: Timestamp;
  tokenId: string | null;
  method: string;
  path: string;
  status: number;
  scimType: string | null;
  detail: string | null;
  durationMs: number;
}

export interface IdentityProvider {
  id: string;
  teamId: string;
  /** Admin-chosen short name (`?handle=`), unique within the team when set. */
  handle: string | null;
  entityId: string;
  /** The metadata document as uploaded or fetched (served by GET /identity-providers/{idp}/raw). */
  metadataXml: string;
  metadataUrl: string | null;
  /** Base64 DER bodies of the signing certificates taken from the metadata. */
  signingCerts: string[];
  ssoPostUrl: string | null;
  ssoRedirectUrl: string | null;
  /** The IdP this one replaces (rotation): its users move over on their next login. */
  replacesId: string | null;
  /**
   * Set on the replaced IdP by create(), in the same transaction. A replaced IdP keeps its users until
   * they move, but no longer claims its entityID: (team, entityId) is unique among unreplaced IdPs.
   */
  replacedById: string | null;
  allowIdpInitiated: boolean;
  /** Refuse assertions that arrive unencrypted (issue: encrypted assertions). */
  requireEncryptedAssertions: boolean;
  metadataRefreshedAt: Timestamp | null;
  metadataRefreshError: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface IdentityProviderRepo {
  /**
   * Inserts; when `replacesId` is set, marks that IdP `replacedById` in the same transaction.
   * Throws UniqueConstraintError('entityId' | 'handle'), or ('replacesId') when the IdP to replace
   * is missing from the team or already replaced.
   */
  create(idp: IdentityProvider): Promise<IdentityProvider>;
  get(teamId: string, id: string): Promise<IdentityProvider | null>;
  /** Any team (login codes carry only the IdP id). */
  getAnyTeam(id: string): Promise<IdentityProvider | null>;
  /** The unreplaced IdP with this entityID, else a replaced one (newest first), else null. */
  findByEntityId(teamId: string, entityId: string): Promise<IdentityProvider | null>;
  /** Oldest first. */
  list(teamId: string): Promise<IdentityProvider[]>;
  /** Every IdP with a metadata URL (for the refresh schedule). */
  listWithMetadataUrl(): Promise<IdentityProvider[]>;
  /** Writes the mutable fields (not replacesId/replacedById). Null if it no longer exists. Throws UniqueConstraintError('entityId' | 'handle'). */
  update(idp: IdentityProvider): Promise<IdentityProvider | null>;
  /** Users bound to the IdP (idpId = id), including SCIM users reserved for it that have not signed in yet. */
  countUsers(teamId: string, idpId: string): Promise<number>;
  /**
   * Deletes the IdP; with purgeUsers its bound users (and what hangs off them) too, in one transaction,
   * and un-replaces the IdP it had replaced. Without purgeUsers it deletes nothing while users are
   * bound (refused: true); the count is taken inside the same transaction. The SCIM tokens bound to
   * the IdP are deleted with it (their ids in tokensRemoved): they would otherwise keep creating
   * users reserved for an IdP that no longer exists.
   */
  delete(teamId: string, id: string, purgeUsers: boolean): Promise<IdpDeletion>;
}

export interface IdpDeletion {
  deleted: boolean;
  usersRemoved: number;
  /** Ids of the SCIM tokens that were bound to the IdP, deleted in the same transaction. */
  tokensRemoved: string[];
  refused: boolean;
}

/** An AuthnRequest we sent and have not yet seen answered: single use, expiring. */
export interface SamlRequest {
  id: string;
  teamId: string;
  idpId: string;
  successRedirect: string | null;
  errorRedirect: string | null;
  /** Set when the request belongs to an admin's "test connection" run. */
  testRunId: string | null;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  /** Set once by consume(); the row stays until deleteExpired so a second use is told apart from an unknown id. */
  consumedAt: Timestamp | null;
}

/** What consume() found: only 'consumed' lets a sign-in go on. */
export type SamlRequestConsumeResult =
  | { status: 'consumed'; request: SamlRequest }
  | { status: 'expired'; request: SamlRequest }
  | { status: 'reused'; request: SamlRequest }
  | { status: 'unknown' };

export interface SamlRequestRepo {
  /** Throws UniqueConstraintError('id'). */
  create(request: SamlRequest): Promise<void>;
  /** Reads without consuming (the ACS learns the error redirect and test mode before validating). */
  find(id: string): Promise<SamlRequest | null>;
  /**
   * Atomically marks the request consumed if it exists, is unconsumed and has not expired at `now`
   * (single use: of concurrent callers exactly one gets 'consumed').
   */
  consume(id: string, now: Timestamp): Promise<SamlRequestConsumeResult>;
  /** Deletes requests that expired before `before` (the caller keeps a grace period for labels). */
  deleteExpired(before: Timestamp): Promise<number>;
}

export interface ReplayCacheRepo {
  /**
   * Records a key; false if it was already there and unexpired (a replay). Shared by every instance,
   * atomic under concurrency. Also the once-per-slot lease of the metadata refresh (key prefix "lease:").
   */
  remember(key: string, expiresAt: Timestamp): Promise<boolean>;
  deleteExpired(now: Timestamp): Promise<number>;
}

/** One fixed window of a rate limit: how many hits so far, and when the window ends. */
export interface RateLimitWindow {
  hits: number;
  resetAt: Date;
}

/**
 * Rate-limit counters shared by every instance (express-rate-limit's store sits on this), so N
 * instances behind a balancer grant the budget once, not N times. Keys carry the limiter's prefix.
 */
export interface RateLimitRepo {
  /**
   * Counts a hit, atomically under concurrency: starts a new window of `windowMs` when there is none
   * or it ended before `now`, else adds one to the current window.
   */
  hit(key: string, windowMs: number, now: Date): Promise<RateLimitWindow>;
  /** The current window, or null when there is none at `now`. */
  get(key: string, now: Date): Promise<RateLimitWindow | null>;
  /** Takes one hit back (express-rate-limit's skipSuccessfulRequests and friends); never below 0. */
  undo(key: string): Promise<void>;
  reset(key: string): Promise<void>;
  /** Deletes windows that ended before `now` (MongoDB also lets a TTL index do it). */
  deleteExpired(now: Date): Promise<number>;
}

/** An admin's "test connection" run: created by POST /identity-providers/{idp}/test, completed once by the ACS. */
export interface SamlTestRun {
  id: string;
  teamId: string;
  idpId: string;
  createdBy: string | null;
  createdAt: Timestamp;
  /** The test URL stops working after this. */
  expiresAt: Timestamp;
  completedAt: Timestamp | null;
  /** The ACS report (checks, NameID, attributes, conditions, certificate); null until completed. */
  report: Record<string, unknown> | null;
}

export interface SamlTestRunRepo {
  create(run: SamlTestRun): Promise<void>;
  get(teamId: string, id: string): Promise<SamlTestRun | null>;
  getAnyTeam(id: string): Promise<SamlTestRun | null>;
  /** Stores the report only if the run has none yet; returns false if it was already completed. */
  complete(id: string, report: Record<string, unknown>, now: Timestamp): Promise<boolean>;
  deleteExpired(before: Timestamp): Promise<number>;
}

export interface Group {
  id: string;
  teamId: string;
  displayName: string;
  externalId: string | null;
  /** Set on the groups that grant a role when group-managed roles are on. */
  roleGranted: Role | null;
  version: number;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type NewGroup = Omit<Group, 'version' | 'createdAt' | 'updatedAt'> & { createdAt?: Timestamp };

export interface GroupQuery {
  /** Paths as in the Group filter grammar: displayName, externalId, id, members.value, meta.created, meta.lastModified. */
  filter?: FilterNode;
  sortBy?: string;
  sortOrder?: 'ascending' | 'descending';
  /** 1-based, as in SCIM. */
  startIndex: number;
  count: number;
}

/** A member as a group resource shows it. */
export interface GroupMember {
  id: string;
  displayName: string;
}

/** A member as the admin group page lists it. */
export interface GroupMemberDetail extends GroupMember {
  handle: string;
  role: Role;
  status: UserStatus;
}

/**
 * The audit entries of a group write, built from its result and committed in the write's own
 * transaction (as users' are): the change and its audit trail exist together or not at all.
 */
export type GroupAudit = (result: MembershipResult) => readonly NewAuditEntry[];

/** A group the user belongs to, for the User resource's read-only `groups`. */
export interface GroupOfUser {
  id: string;
  displayName: string;
}

/**
 * A membership change, applied as row inserts/deletes (see src/scim/group-member-plan.ts):
 * replace if non-null, else clear when removeAll, delete `remove`, insert `add`; then the attributes.
 */
export interface MemberPlan {
  displayName?: string;
  /** null clears it. */
  externalId?: string | null;
  /** Members to add (in request order, no duplicates). */
  add: string[];
  /** Members to remove (ids that are not members are harmless). */
  remove: string[];
  /** Remove every current member before adding `add`. */
  removeAll: boolean;
  /** The complete new member list, when the request replaced it; add/remove are then empty. */
  replace: string[] | null;
}

export interface RoleChange {
  userId: string;
  from: Role;
  to: Role;
}

export interface MembershipResult {
  group: Group;
  /** Users that became members / stopped being members in this write (ids, unordered). */
  added: string[];
  removed: string[];
  /** Users whose role changed because a role group's membership changed (group-managed roles on). */
  roleChanges: RoleChange[];
}

/** Thrown when member ids are not users of the group's team; nothing was written. */
export class UnknownMembersError extends Error {
  constructor(public readonly ids: string[]) {
    super(`unknown members: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? '…' : ''}`);
    this.name = 'UnknownMembersError';
  }
}

/**
 * Group writes come from the directory (SCIM), so they touch only users it may own (directoryMayOwn):
 * a password-only account named as a member is unknown (UnknownMembersError), a membership it already
 * has (e.g. the admin role group) survives replace/remove, and group-managed roles never change its role.
 */
export interface GroupRepo {
  /**
   * Inserts the group and its members in one transaction. Throws UniqueConstraintError('displayName'
   * (case-insensitive within the team) | 'externalId'), or UnknownMembersError with nothing written.
   */
  create(group: NewGroup, memberIds: string[], audit?: GroupAudit): Promise<MembershipResult>;
  get(teamId: string, id: string): Promise<Group | null>;
  list(teamId: string, query: GroupQuery): Promise<Page<Group>>;
  /**
   * Applies the plan in one transaction: checks every added id is a user of the team
   * (UnknownMembersError, nothing applied), the version when `expectedVersion` is a number
   * (VersionConflictError), writes the attributes, bumps the version, and — when the team has
   * group-managed roles on and this is a role group — recomputes the roles of the users who joined
   * or left. Null when the group does not exist. A PUT is a plan with `replace` and both attributes.
   */
  applyMemberPlan(teamId: string, groupId: string, plan: MemberPlan, expectedVersion: number | null, audit?: GroupAudit): Promise<MembershipResult | null>;
  /** Deletes the group and its memberships (recomputing roles as above). Null when it did not exist. */
  delete(teamId: string, id: string, audit?: GroupAudit): Promise<MembershipResult | null>;
  /** Members with their display names, in the order they joined ('directory': only users the directory may own). */
  listMembers(teamId: string, groupId: string, scope?: UserScope): Promise<GroupMember[]>;
  /** One page of members (1-based startIndex, in the order they joined) with handle, role and status, and the member count. */
  listMembersPage(teamId: string, groupId: string, startIndex: number, count: number): Promise<Page<GroupMemberDetail>>;
  /** The same for several groups at once (one query for a list page). */
  listMembersOfGroups(teamId: string, groupIds: string[], scope?: UserScope): Promise<Map<string, GroupMember[]>>;
  groupsOfUser(teamId: string, userId: string): Promise<GroupOfUser[]>;
  /** The team's groups marked as granting a role (whatever they are called now), highest role first. */
  roleGroups(teamId: string): Promise<Group[]>;
  /**
   * Turns group-managed roles on in one transaction: sets the team flag, makes sure a group exists
   * for each given role (reusing one already marked for it, else adopting one with the same name,
   * else creating it), puts the team's current admins into the admin group so nobody is demoted by
   * the switch, and recomputes roles of every role-group member. Returns the role groups.
   */
  enableGroupManagedRoles(teamId: string, roleGroups: NewGroup[]): Promise<{ groups: Group[]; roleChanges: RoleChange[] }>;
}

/** Invitations and email validations: src/store/invitation-port.ts. */
export type { Invitation, InvitationPurpose, InvitationRepo } from './invitation-port';

/** Thrown by adapters when a unique index rejects a write. `field` names the logical field. */
export class UniqueConstraintError extends Error {
  constructor(public readonly field: string) {
    super(`unique constraint violated: ${field}`);
    this.name = 'UniqueConstraintError';
  }
}

/** Thrown when an optimistic-concurrency write finds a different version than expected. */
export class VersionConflictError extends Error {
  constructor() {
    super('version conflict');
    this.name = 'VersionConflictError';
  }
}

export interface TeamRepo {
  create(team: Team): Promise<Team>;
  /** Team and its first owner in one transaction; UniqueConstraintError('email' | 'handle') leaves nothing behind. */
  createWithOwner(team: Team, owner: NewUser): Promise<{ team: Team; owner: User }>;
  get(id: string): Promise<Team | null>;
  list(): Promise<Team[]>;
  update(team: Team): Promise<Team>;
}

export interface UserRepo {
  /**
   * Throws UniqueConstraintError('handle' | 'email' | 'externalId' | 'userName'). `audit` entries are committed in
   * the same transaction as the user: a write and its audit trail exist together or not at all.
   */
  create(user: NewUser, audit?: readonly NewAuditEntry[]): Promise<User>;
  /**
   * Just-in-time signup: creates the user (and its audit entries) only while the team has no SCIM
   * token, checked in the same transaction as the insert and serialised with token creation, so a
   * token created concurrently either comes first (null: nothing written) or sees the user. Null when a token exists.
   */
  createUnlessTeamHasScimTokens(user: NewUser, audit?: readonly NewAuditEntry[]): Promise<User | null>;
  get(teamId: string, id: string): Promise<User | null>;
  getAnyTeam(id: string): Promise<User | null>;
  findByEmail(email: string): Promise<User | null>;
  findByHandle(handle: string): Promise<User | null>;
  findByExternalId(teamId: string, externalId: string): Promise<User | null>; // a strict user first
  /** The team's directory user with this userName, ignoring A–Z case (foldUserName). */
  findByUserName(teamId: string, userName: string): Promise<User | null>;
  findByNameId(teamId: string, idpId: string, nameId: string): Promise<User | null>;
  list(teamId: string, query: UserQuery): Promise<Page<User>>;
  countByTeam(teamId: string): Promise<number>;
  /**
   * Writes every mutable field of `user` if the stored version equals `expectedVersion`;
   * returns the stored user with version+1. Null if the user no longer exists.
   * Throws VersionConflictError or UniqueConstraintError. When the status leaves 'active',
   * the user's sessions are deleted in the same transaction. `audit` entries are committed with the
   * update (and not at all when it does not happen).
   */
  update(user: User, expectedVersion: number, audit?: readonly NewAuditEntry[]): Promise<User | null>;
  /** Deletes the user and everything hanging off it (sessions, memberships, invitations), with its `audit` entries. */
  delete(teamId: string, id: string, audit?: readonly NewAuditEntry[]): Promise<boolean>;
}

export interface ScimTokenRepo {
  /** Inserts unless the team already has `max` tokens (checked in the same transaction). */
  createWithinLimit(token: ScimToken, max: number): Promise<'created' | 'limit-reached'>;
  findBySecretHash(secretHash: string): Promise<ScimToken | null>;
  get(teamId: string, id: string): Promise<ScimToken | null>;
  list(teamId: string): Promise<ScimToken[]>;
  countByTeam(teamId: string): Promise<number>;
  rename(teamId: string, id: string, name: string): Promise<ScimToken | null>;
  delete(teamId: string, id: string): Promise<boolean>;
}

export interface SessionRepo {
  create(session: Session): Promise<void>;
  /** Only unexpired sessions are returned. */
  findValid(tokenHash: string, now: Timestamp): Promise<Session | null>;
  delete(tokenHash: string): Promise<void>;
  deleteByUser(userId: string): Promise<void>;
  deleteExpired(now: Timestamp): Promise<number>;
}

export interface AuditRepo {
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  list(query: AuditQuery): Promise<AuditEntry[]>;
}

export interface ProvisioningLogRepo {
  append(entry: Omit<ProvisioningLogEntry, 'id'>): Promise<void>;
  /** Several entries in one transaction (the writer batches them). */
  appendMany(entries: Omit<ProvisioningLogEntry, 'id'>[]): Promise<void>;
  /** Newest first. */
  list(teamId: string, limit: number): Promise<ProvisioningLogEntry[]>;
  /** Keeps only the newest `keep` entries of the team. */
  prune(teamId: string, keep: number): Promise<void>;
}

/** What an SP key pair is for: signing AuthnRequests, or receiving encrypted assertions. */
export type SpKeyUse = 'signing' | 'encryption';
/**
 * Rollover: `active` signs and is published first; `staged` is published beside it (IdPs learn it
 * before it is used); after activation the old one is `previous` (still published and decrypting)
 * until it is retired. At most one key per (use, state).
 */
export type SpKeyState = 'active' | 'staged' | 'previous';

export interface SpKey {
  id: string;
  use: SpKeyUse;
  state: SpKeyState;
  certPem: string;
  /** The PKCS#8 private key, sealed by src/secrets/key-wrap.ts (AES-256-GCM under KEY_ENCRYPTION_KEY, or marked plain). */
  sealedPrivateKey: string;
  createdAt: Timestamp;
  activatedAt: Timestamp | null;
}

export interface SpKeyRepo {
  /** Every key, in no particular order. */
  list(): Promise<SpKey[]>;
  /**
   * First start, race-safe: inserts `keys` (state 'active') in one transaction unless an active key
   * already exists; either way returns the active keys now stored (ours, or the first starter's).
   */
  createActiveIfAbsent(keys: readonly SpKey[]): Promise<SpKey[]>;
  /** Inserts the next pair (state 'staged'), only while there is neither a staged nor a previous pair. */
  stage(keys: readonly SpKey[]): Promise<'staged' | 'already-staged' | 'previous-not-retired'>;
  /** In one transaction: active → previous, staged → active (activatedAt = now). */
  activate(now: Timestamp): Promise<'activated' | 'nothing-staged' | 'previous-not-retired'>;
  /** Deletes the previous pair. */
  retire(): Promise<'retired' | 'nothing-to-retire'>;
  /** Replaces the sealed private key only if it still is `expected` (re-wrapping under a new KEK). */
  reseal(id: string, expected: string, sealedPrivateKey: string): Promise<boolean>;
}

/** An instance-wide secret (the CSRF HMAC key…): shared by every instance on the store. */
export interface InstanceSecret {
  name: string;
  /** Sealed like SpKey.sealedPrivateKey. */
  sealedValue: string;
  createdAt: Timestamp;
}

export interface InstanceSecretRepo {
  /** Inserts unless a secret of that name exists; returns the stored one (ours, or the first writer's). */
  getOrCreate(secret: InstanceSecret): Promise<InstanceSecret>;
  list(): Promise<InstanceSecret[]>;
  /** Replaces the sealed value only if it still is `expected`. */
  reseal(name: string, expected: string, sealedValue: string): Promise<boolean>;
}

export interface Store {
  readonly kind: 'sqlite' | 'mongo';
  teams: TeamRepo;
  users: UserRepo;
  scimTokens: ScimTokenRepo;
  sessions: SessionRepo;
  audit: AuditRepo;
  provisioningLog: ProvisioningLogRepo;
  idps: IdentityProviderRepo;
  samlRequests: SamlRequestRepo;
  replayCache: ReplayCacheRepo;
  rateLimits: RateLimitRepo;
  samlTestRuns: SamlTestRunRepo;
  groups: GroupRepo;
  invitations: InvitationRepo;
  spKeys: SpKeyRepo;
  secrets: InstanceSecretRepo;
  /** Resolves when the store answers a trivial query (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
