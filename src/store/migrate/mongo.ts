/** The MongoDB side of `gatehouse migrate`: upserts by _id through the adapter's own models. */
import { foldCase } from '../case-fold';
import type { AuditEntry, IdentityProvider, ScimToken, SpKey, Team, User } from '../port';
import type { MongoStore } from '../mongo/index';
import { mutableUserFields } from '../mongo/user-docs';
import type { GroupRecord, InstanceSecretRecord, InvitationRecord, MembershipRecord, TransferKind, TransferRecords, TransferTarget } from './records';

/** Members copied from another store sort before any joined later, in their original order. */
const MIGRATED_JOINED_AT = '1970-01-01T00:00:00.000Z';

type Doc = { _id: string } & Record<string, unknown>;

const toDoc: { [K in TransferKind]: (record: TransferRecords[K]) => Doc } = {
  teams: (t: Team) => ({ _id: t.id, name: t.name, createdAt: t.createdAt, groupManagedRoles: t.groupManagedRoles, validateSamlEmails: t.validateSamlEmails, scimProfile: t.scimProfile ?? 'strict' }),
  // mutableUserFields derives the adapter's shadows (handleLower, emails, sortEmail…) and encodes SCIM keys.
  users: (u: User) => ({ _id: u.id, teamId: u.teamId, ...mutableUserFields(u), version: u.version, createdAt: u.createdAt, updatedAt: u.updatedAt }),
  scimTokens: (t: ScimToken) => ({ _id: t.id, teamId: t.teamId, secretHash: t.secretHash, name: t.name, description: t.description, idpId: t.idpId, createdAt: t.createdAt }),
  identityProviders: (i: IdentityProvider) => {
    const { id, ...rest } = i;
    return { _id: id, ...rest, claimedEntityId: i.replacedById === null ? i.entityId : null };
  },
  groups: (g: GroupRecord) => {
    const { id, ...rest } = g;
    return { _id: id, ...rest, displayNameLower: foldCase(g.displayName) };
  },
  // _id = groupId/userId, as the adapter writes it.
  memberships: (m: MembershipRecord) => ({ _id: `${m.groupId}/${m.userId}`, groupId: m.groupId, userId: m.userId, teamId: m.teamId, joinedAt: MIGRATED_JOINED_AT, position: m.position }),
  invitations: (i: InvitationRecord) => {
    const { id, ...rest } = i;
    return { _id: id, ...rest };
  },
  audit: (a: AuditEntry) => {
    const { id, ...rest } = a;
    return { _id: id, ...rest };
  },
  spKeys: (k: SpKey) => {
    const { id, ...rest } = k;
    return { _id: id, ...rest };
  },
  instanceSecrets: (s: InstanceSecretRecord) => ({ _id: s.name, sealedValue: s.sealedValue, createdAt: s.createdAt }),
};

export class MongoTransferTarget implements TransferTarget {
  constructor(
    private readonly store: MongoStore,
    readonly description: string,
  ) {}

  /** The adapter's model names; Group, GroupMember and Invitation exist once those stores have landed. */
  private static readonly MODEL_OF: Record<TransferKind, string> = {
    teams: 'Team',
    users: 'User',
    scimTokens: 'ScimToken',
    identityProviders: 'IdentityProvider',
    groups: 'Group',
    memberships: 'GroupMember',
    invitations: 'Invitation',
    audit: 'Audit',
    spKeys: 'SpKey',
    instanceSecrets: 'InstanceSecret',
  };

  supports(kind: TransferKind): boolean {
    return (this.store.models as unknown as Record<string, unknown>)[MongoTransferTarget.MODEL_OF[kind]] !== undefined;
  }

  private model(kind: TransferKind) {
    return (this.store.models as unknown as Record<string, unknown>)[MongoTransferTarget.MODEL_OF[kind]] as {
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
