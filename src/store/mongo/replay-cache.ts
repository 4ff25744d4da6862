import type { ReplayCacheRepo, Timestamp } from '../port';
import { isDuplicateKey } from './errors';
import type { Models } from './models';

export class MongoReplayCacheRepo implements ReplayCacheRepo {
  constructor(private readonly models: Models) {}

  /** The unique _id decides between concurrent instances; an expired entry the TTL monitor has not removed yet is revived. */
  async remember(key: string, expiresAt: Timestamp): Promise<boolean> {
    try {
      await this.models.ReplayCache.insertOne({ _id: key, expiresAt: new Date(expiresAt) });
      return true;
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    const revived = await this.models.ReplayCache.updateOne({ _id: key, expiresAt: { $lte: new Date() } }, { $set: { expiresAt: new Date(expiresAt) } });
    return revived.modifiedCount === 1;
  }

  async deleteExpired(now: Timestamp): Promise<number> {
    return (await this.models.ReplayCache.deleteMany({ expiresAt: { $lte: new Date(now) } })).deletedCount;
  }
}
