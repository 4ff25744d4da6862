/** The MongoDB side of `gatehouse migrate`: upserts by _id through the adapter's own models. */
import type { AuditEntry, IdentityProvider, ScimToken, Team, User } from '../port';
import type { MongoStore } from '../mongo/index';
import { mutableUserFields } from '../mongo/user-docs';
import type { TransferKind, TransferRecords, TransferTarget } from './records';

type Doc = { _id: string } & Record<string, unknown>;

const toDoc: { [K in TransferKind]: (record: TransferRecords[K]) => Doc } = {
  teams: (t: Team) => ({ _id: t.id, name: t.name, createdAt: t.createdAt, groupManagedRoles: t.groupManagedRoles }),
  // mutableUserFields derives the adapter's shadows (handleLower, emails, sortEmail…) and encodes SCIM keys.
  users: (u: User) => ({ _id: u.id, teamId: u.teamId, ...mutableUserFields(u), version: u.version, createdAt: u.createdAt, updatedAt: u.updatedAt }),
  scimTokens: (t: ScimToken) => ({ _id: t.id, teamId: t.teamId, secretHash: t.secretHash, name: t.name, description: t.description, idpId: t.idpId, createdAt: t.createdAt }),
  identityProviders: (i: IdentityProvider) => {
    const { id, ...rest } = i;
    return { _id: id, ...rest, claimedEntityId: i.replacedById === null ? i.entityId : null };
  },
  audit: (a: AuditEntry) => {
    const { id, ...rest } = a;
    return { _id: id, ...rest };
  },
};

export class MongoTransferTarget implements TransferTarget {
  constructor(
    private readonly store: MongoStore,
    readonly description: string,
  ) {}

  private model(kind: TransferKind) {
    const m = this.store.models;
    const byKind = { teams: m.Team, users: m.User, scimTokens: m.ScimToken, identityProviders: m.IdentityProvider, audit: m.Audit } as const;
    return byKind[kind] as unknown as {
      bulkWrite(ops: unknown[], options: { ordered: boolean }): Promise<unknown>;
      countDocuments(filter: Record<string, unknown>): Promise<number>;
    };
  }

  async upsert<K extends TransferKind>(kind: K, records: Array<TransferRecords[K]>): Promise<void> {
    if (records.length === 0) return;
    const docs = records.map((r) => toDoc[kind](r));
    await this.model(kind).bulkWrite(
      docs.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } })),
      { ordered: true },
    );
  }

  async countExisting(kind: TransferKind, keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return this.model(kind).countDocuments({ _id: { $in: keys } });
  }

  async count(kind: TransferKind): Promise<number> {
    return this.model(kind).countDocuments({});
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}
