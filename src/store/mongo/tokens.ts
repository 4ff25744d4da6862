import type { Connection } from 'mongoose';
import type { ScimToken, ScimTokenRepo } from '../port';
import { isDuplicateKey, mapUniqueViolation } from './errors';
import type { ScimTokenDoc } from './documents';
import type { Models } from './models';

function docToToken(doc: ScimTokenDoc): ScimToken {
  return { id: doc._id, teamId: doc.teamId, secretHash: doc.secretHash, name: doc.name, description: doc.description, idpId: doc.idpId, createdAt: doc.createdAt };
}

export class MongoScimTokenRepo implements ScimTokenRepo {
  constructor(
    private readonly connection: Connection,
    private readonly models: Models,
  ) {}

  /**
   * Count-then-insert alone would let two snapshot transactions both see max-1 tokens (write skew).
   * Both also write the team's lock document, so the second hits a write conflict and is retried
   * by connection.transaction() after the first commits — it then counts the new token.
   */
  async createWithinLimit(token: ScimToken, max: number): Promise<'created' | 'limit-reached'> {
    const lockId = `scim-tokens:${token.teamId}`;
    await this.models.Lock.updateOne({ _id: lockId }, { $setOnInsert: { seq: 0 } }, { upsert: true }).catch((e: unknown) => {
      if (!isDuplicateKey(e)) throw e; // another instance created it first: fine
    });
    return mapUniqueViolation(() =>
      this.connection.transaction(async (session) => {
        await this.models.Lock.updateOne({ _id: lockId }, { $inc: { seq: 1 } }, { session });
        if ((await this.models.ScimToken.countDocuments({ teamId: token.teamId }).session(session)) >= max) return 'limit-reached' as const;
        const doc: ScimTokenDoc = { _id: token.id, teamId: token.teamId, secretHash: token.secretHash, name: token.name, description: token.description, idpId: token.idpId, createdAt: token.createdAt };
        await this.models.ScimToken.insertOne(doc, { session });
        return 'created' as const;
      }),
    );
  }

  async findBySecretHash(secretHash: string): Promise<ScimToken | null> {
    return this.one({ secretHash });
  }

  async get(teamId: string, id: string): Promise<ScimToken | null> {
    return this.one({ _id: id, teamId });
  }

  async list(teamId: string): Promise<ScimToken[]> {
    return (await this.models.ScimToken.find({ teamId }).sort({ createdAt: 1, _id: 1 }).lean<ScimTokenDoc[]>()).map(docToToken);
  }

  async countByTeam(teamId: string): Promise<number> {
    return this.models.ScimToken.countDocuments({ teamId });
  }

  async rename(teamId: string, id: string, name: string): Promise<ScimToken | null> {
    const doc = await this.models.ScimToken.findOneAndUpdate({ _id: id, teamId }, { $set: { name } }, { returnDocument: 'after' }).lean<ScimTokenDoc>();
    return doc ? docToToken(doc) : null;
  }

  async delete(teamId: string, id: string): Promise<boolean> {
    return (await this.models.ScimToken.deleteOne({ _id: id, teamId })).deletedCount > 0;
  }

  private async one(filter: Record<string, string>): Promise<ScimToken | null> {
    const doc = await this.models.ScimToken.findOne(filter).lean<ScimTokenDoc>();
    return doc ? docToToken(doc) : null;
  }
}
