/**
 * What `gatehouse migrate` copies, in dependency order (teams before what belongs to them).
 * Records are the port's own domain objects, so every adapter reads and writes one format.
 * Not copied: sessions and access tokens (people sign in again after the cut-over), outstanding
 * SAML requests, the replay cache and test runs (minutes-long by design), the provisioning log
 * (a recent-requests view that refills itself).
 */
import type { AuditEntry, IdentityProvider, ScimToken, Team, User } from '../port';

export interface TransferRecords {
  teams: Team;
  users: User;
  scimTokens: ScimToken;
  identityProviders: IdentityProvider;
  audit: AuditEntry;
}

export type TransferKind = keyof TransferRecords;

export const TRANSFER_KINDS: readonly TransferKind[] = ['teams', 'users', 'scimTokens', 'identityProviders', 'audit'];

/** Every record has a stable primary key: upserts by it make a second run change nothing. */
export function keyOf(record: { id: string }): string {
  return record.id;
}

/** Reads the embedded store, one consistent snapshot for the whole run. */
export interface TransferSource {
  readonly description: string;
  count(kind: TransferKind): Promise<number>;
  /** Keyset paging by primary key: records with key > `after`, ascending, at most `limit`. */
  page<K extends TransferKind>(kind: K, after: string | null, limit: number): Promise<Array<TransferRecords[K]>>;
  close(): Promise<void>;
}

/** Writes a store: upsert by primary key, and how many of some keys it holds (verification). */
export interface TransferTarget {
  readonly description: string;
  upsert<K extends TransferKind>(kind: K, records: Array<TransferRecords[K]>): Promise<void>;
  countExisting(kind: TransferKind, keys: string[]): Promise<number>;
  count(kind: TransferKind): Promise<number>;
  close(): Promise<void>;
}
