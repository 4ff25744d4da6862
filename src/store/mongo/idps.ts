import type { Connection } from 'mongoose';
import { UniqueConstraintError, type IdentityProvider, type IdentityProviderRepo, type IdpDeletion } from '../port';
import { mapUniqueViolation } from './errors';
import type { Models } from './models';
import type { IdpDoc } from './saml-models';
import { deleteUserDependents } from './users';

function docToIdp(doc: IdpDoc): IdentityProvider {
  return {
    id: doc._id,
    teamId: doc.teamId,
    handle: doc.handle,
    entityId: doc.entityId,
    metadataXml: doc.metadataXml,
    metadataUrl: doc.metadataUrl,
    signingCerts: [...doc.signingCerts],
    ssoPostUrl: doc.ssoPostUrl,
    ssoRedirectUrl: doc.ssoRedirectUrl,
    replacesId: doc.replacesId,
    replacedById: doc.replacedById,
    allowIdpInitiated: doc.allowIdpInitiated,
    // Documents written before the field existed read as false.
    requireEncryptedAssertions: doc.requireEncryptedAssertions ?? false,
    metadataRefreshedAt: doc.metadataRefreshedAt,
    metadataRefreshError: doc.metadataRefreshError,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/** The fields update() may change; replacesId/replacedById only move through create() and delete(). */
function mutableFields(idp: IdentityProvider) {
  return {
    handle: idp.handle,
    entityId: idp.entityId,
    metadataXml: idp.metadataXml,
    metadataUrl: idp.metadataUrl,
    signingCerts: idp.signingCerts,
    ssoPostUrl: idp.ssoPostUrl,
    ssoRedirectUrl: idp.ssoRedirectUrl,
    allowIdpInitiated: idp.allowIdpInitiated,
    requireEncryptedAssertions: idp.requireEncryptedAssertions,
    metadataRefreshedAt: idp.metadataRefreshedAt,
    metadataRefreshError: idp.metadataRefreshError,
    updatedAt: idp.updatedAt,
  };
}

export class MongoIdentityProviderRepo implements IdentityProviderRepo {
  constructor(
    private readonly connection: Connection,
    private readonly models: Models,
  ) {}

  /** The old IdP gives up its entityID claim before the new one takes it, in one transaction. */
  async create(idp: IdentityProvider): Promise<IdentityProvider> {
    const doc: IdpDoc = { _id: idp.id, teamId: idp.teamId, replacesId: idp.replacesId, replacedById: null, claimedEntityId: idp.entityId, createdAt: idp.createdAt, ...mutableFields(idp) };
    await mapUniqueViolation(() =>
      this.connection.transaction(async (session) => {
        if (idp.replacesId) {
          const marked = await this.models.IdentityProvider.updateOne(
            { _id: idp.replacesId, teamId: idp.teamId, replacedById: null },
            { $set: { replacedById: idp.id, claimedEntityId: null } },
            { session },
          );
          if (marked.matchedCount !== 1) throw new UniqueConstraintError('replacesId');
        }
        await this.models.IdentityProvider.insertOne(doc, { session });
      }),
    );
    return docToIdp(doc);
  }

  async get(teamId: string, id: string): Promise<IdentityProvider | null> {
    return this.one({ _id: id, teamId });
  }

  async getAnyTeam(id: string): Promise<IdentityProvider | null> {
    return this.one({ _id: id });
  }

  async findByEntityId(teamId: string, entityId: string): Promise<IdentityProvider | null> {
    const docs = await this.models.IdentityProvider.find({ teamId, entityId }).lean<IdpDoc[]>();
    const claimant = docs.find((d) => d.replacedById === null);
    const newest = [...docs].sort((a, b) => (a.createdAt === b.createdAt ? b._id.localeCompare(a._id) : b.createdAt.localeCompare(a.createdAt)))[0];
    const doc = claimant ?? newest;
    return doc ? docToIdp(doc) : null;
  }

  async list(teamId: string): Promise<IdentityProvider[]> {
    return (await this.models.IdentityProvider.find({ teamId }).sort({ createdAt: 1, _id: 1 }).lean<IdpDoc[]>()).map(docToIdp);
  }

  async listWithMetadataUrl(): Promise<IdentityProvider[]> {
    return (await this.models.IdentityProvider.find({ metadataUrl: { $type: 'string' } }).sort({ createdAt: 1, _id: 1 }).lean<IdpDoc[]>()).map(docToIdp);
  }

  async update(idp: IdentityProvider): Promise<IdentityProvider | null> {
    return mapUniqueViolation(() =>
      this.connection.transaction(async (session) => {
        const current = await this.models.IdentityProvider.findOne({ _id: idp.id, teamId: idp.teamId }).session(session).lean<IdpDoc>();
        if (!current) return null;
        const set = { ...mutableFields(idp), claimedEntityId: current.replacedById === null ? idp.entityId : null };
        const doc = await this.models.IdentityProvider.findOneAndUpdate({ _id: idp.id, teamId: idp.teamId }, { $set: set }, { session, returnDocument: 'after' }).lean<IdpDoc>();
        return doc ? docToIdp(doc) : null;
      }),
    );
  }

  async countUsers(teamId: string, idpId: string): Promise<number> {
    return this.models.User.countDocuments({ teamId, idpId });
  }

  async delete(teamId: string, id: string, purgeUsers: boolean): Promise<IdpDeletion> {
    return this.connection.transaction(async (session) => {
      if (!(await this.models.IdentityProvider.exists({ _id: id, teamId }).session(session))) return { deleted: false, usersRemoved: 0, tokensRemoved: [], refused: false };
      const userIds = (await this.models.User.find({ teamId, idpId: id }, { _id: 1 }).session(session).lean<{ _id: string }[]>()).map((u) => u._id);
      if (userIds.length > 0 && !purgeUsers) return { deleted: false, usersRemoved: 0, tokensRemoved: [], refused: true };
      await deleteUserDependents(this.models, { $in: userIds }, session);
      const usersRemoved = (await this.models.User.deleteMany({ _id: { $in: userIds } }, { session })).deletedCount;
      const tokensRemoved = (await this.models.ScimToken.find({ teamId, idpId: id }, { _id: 1 }).session(session).lean<{ _id: string }[]>()).map((t) => t._id);
      await this.models.ScimToken.deleteMany({ _id: { $in: tokensRemoved } }, { session });
      await this.models.SamlRequest.deleteMany({ idpId: id }, { session });
      await this.models.SamlTestRun.deleteMany({ idpId: id }, { session });
      await this.models.IdentityProvider.deleteOne({ _id: id, teamId }, { session });
      // Undoing a rotation: the IdP this one replaced claims its entityID again, if no one else does.
      for (const replaced of await this.models.IdentityProvider.find({ teamId, replacedById: id }).session(session).lean<IdpDoc[]>()) {
        const claimant = await this.models.IdentityProvider.exists({ teamId, claimedEntityId: replaced.entityId }).session(session);
        if (!claimant) await this.models.IdentityProvider.updateOne({ _id: replaced._id }, { $set: { replacedById: null, claimedEntityId: replaced.entityId } }, { session });
      }
      return { deleted: true, usersRemoved, tokensRemoved, refused: false };
    });
  }

  private async one(filter: Record<string, string>): Promise<IdentityProvider | null> {
    const doc = await this.models.IdentityProvider.findOne(filter).lean<IdpDoc>();
    return doc ? docToIdp(doc) : null;
  }
}
