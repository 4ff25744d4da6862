import { Schema, type Connection } from 'mongoose';
import type { RateLimitRepo, RateLimitWindow } from '../port';
import { isDuplicateKey } from './errors';

/** One window per key; `resetAt` is a Date so the TTL index removes ended windows. */
export interface RateLimitDoc {
  _id: string;
  hits: number;
  resetAt: Date;
}

const schema = new Schema<RateLimitDoc>(
  { _id: { type: String, required: true }, hits: { type: Number, required: true }, resetAt: { type: Date, required: true } },
  { versionKey: false, strict: 'throw' },
);
schema.index({ resetAt: 1 }, { expireAfterSeconds: 0 });

export function createRateLimitModel(connection: Connection) {
  return connection.model<RateLimitDoc>('RateLimitWindow', schema, 'rate_limit_windows');
}

type RateLimitModel = ReturnType<typeof createRateLimitModel>;

/**
 * One findOneAndUpdate per hit with an aggregation-pipeline update, so "start a new window or add one"
 * is decided by the server atomically. Hand-written rather than rate-limit-mongo: that package keeps
 * its own connection and options, where this rides the store's connection and the port's tests.
 */
export class MongoRateLimitRepo implements RateLimitRepo {
  constructor(private readonly model: RateLimitModel) {}

  async hit(key: string, windowMs: number, now: Date): Promise<RateLimitWindow> {
    const ended = { $or: [{ $eq: [{ $type: '$resetAt' }, 'missing'] }, { $lte: ['$resetAt', now] }] };
    const update = [
      {
        $set: {
          hits: { $cond: [ended, 1, { $add: ['$hits', 1] }] },
          resetAt: { $cond: [ended, new Date(now.getTime() + windowMs), '$resetAt'] },
        },
      },
    ];
    for (let attempt = 1; ; attempt++) {
      try {
        const doc = await this.model.collection.findOneAndUpdate({ _id: key as never }, update, { upsert: true, returnDocument: 'after' });
        return { hits: doc!.hits as number, resetAt: doc!.resetAt as Date };
      } catch (e) {
        // Two first hits upserting the same key at once: one insert wins, the other retries as an update.
        if (!isDuplicateKey(e) || attempt >= 2) throw e;
      }
    }
  }

  async get(key: string, now: Date): Promise<RateLimitWindow | null> {
    const doc = await this.model.findOne({ _id: key, resetAt: { $gt: now } }).lean<RateLimitDoc>();
    return doc ? { hits: doc.hits, resetAt: doc.resetAt } : null;
  }

  async undo(key: string): Promise<void> {
    await this.model.updateOne({ _id: key, hits: { $gt: 0 } }, { $inc: { hits: -1 } });
  }

  async reset(key: string): Promise<void> {
    await this.model.deleteOne({ _id: key });
  }

  async deleteExpired(now: Date): Promise<number> {
    return (await this.model.deleteMany({ resetAt: { $lte: now } })).deletedCount;
  }
}
