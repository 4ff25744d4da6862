/**
 * What `gatehouse migrate` copies, in dependency order (teams before what belongs to them).
 * Groups, memberships and invitations were checked against the `groups` and `invite` branches'
 * SQLite stores before they landed (same tables: 003_groups, 004_invitations).
 * Records are the port's own domain objects, so every adapter reads and writes one format.
 * Not copied: sessions and access tokens (people sign in again after the cut-over), outstanding
 * SAML requests, the replay cache and test runs (minutes-long by design), the provisioning log
 * (a recent-requests view that refills itself).
 */
import type { AuditEntry, IdentityProvider, InstanceSecret, Invitation, ScimToken, SpKey, Team, User } from '../port';

/** A SCIM group (same fields as the port's Group). */
export interface GroupRecord {
  id: string;
  teamId: string;
  displayName: string;
  externalId: string | null;
  roleGranted: 'owner' | 'admin' | 'member' | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** One membership; `id` is groupId/userId, `position` keeps the join order across stores. */
export interface MembershipRecord {
  id: string;
  groupId: string;
  userId: string;
  teamId: string;
  position: number;
}

/** An invitation exactly as the port has it (only the link's SHA-256 is stored). */
export type InvitationRecord = Invitation;

/** An instance secret keyed by its name (the CSRF key…), copied sealed as it is stored. */
export type InstanceSecretRecord = InstanceSecret & { id: string };

export interface TransferRecords {
  teams: Team;
  users: User;
  scimTokens: ScimToken;
  identityProviders: IdentityProvider;
  groups: GroupRecord;
  memberships: MembershipRecord;
  invitations: InvitationRecord;
  audit: AuditEntry;
  /** SP key pairs and instance secrets, sealed: the target needs the same KEY_ENCRYPTION_KEY. */
  spKeys: SpKey;
  instanceSecrets: InstanceSecretRecord;
}

export type TransferKind = keyof TransferRecords;

export const TRANSFER_KINDS: readonly TransferKind[] = ['teams', 'users', 'scimTokens', 'identityProviders', 'groups', 'memberships', 'invitations', 'audit', 'spKeys', 'instanceSecrets'];

/** Every record has a stable primary key: upserts by it make a second run change nothing. */
export function keyOf(record: { id: string }): string {
  return record.id;
}

/**
 * Groups, memberships and invitations arrived with later migrations (003_groups, 004_invitations):
 * a store without them reports `supports(kind) === false` and the kind is skipped, not failed.
 */

/** Reads the embedded store, one consistent snapshot for the whole run. */
export interface TransferSource {
  readonly description: string;
  supports(kind: TransferKind): boolean;
  count(kind: TransferKind): Promise<number>;
  /** Keyset paging: records after the cursor `after` (see cursorOf), in a stable order, at most `limit`. */
  page<K extends TransferKind>(kind: K, after: string | null, limit: number): Promise<Array<TransferRecords[K]>>;
  /** The paging cursor of a record (its key; for memberships the join order). */
  cursorOf<K extends TransferKind>(kind: K, record: TransferRecords[K]): string;
  close(): Promise<void>;
}

/** Writes a store: upsert by primary key, and how many of some keys it holds (verification). */
export interface TransferTarget {
  readonly description: string;
  supports(kind: TransferKind): boolean;
  upsert<K extends TransferKind>(kind: K, records: Array<TransferRecords[K]>): Promise<void>;
  countExisting(kind: TransferKind, keys: string[]): Promise<number>;
  count(kind: TransferKind): Promise<number>;
  close(): Promise<void>;
}
