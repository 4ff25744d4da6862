import type { Session, SessionRepo, Timestamp } from '../port';
import { mapUniqueViolation } from './errors';
import type { SessionDoc } from './documents';
import type { Models } from './models';

export class MongoSessionRepo implements SessionRepo {
  constructor(private readonly models: Models) {}

  async create(s: Session): Promise<void> {
    const doc: SessionDoc = { _id: s.tokenHash, kind: s.kind, userId: s.userId, teamId: s.teamId, createdAt: s.createdAt, expiresAt: new Date(s.expiresAt) };
    await mapUniqueViolation(() => this.models.Session.insertOne(doc));
  }

  /** The TTL monitor runs about once a minute, so expiry is checked here as well. */
  async findValid(tokenHash: string, now: Timestamp): Promise<Session | null> {
    const doc = await this.models.Session.findOne({ _id: tokenHash, expiresAt: { $gt: new Date(now) } }).lean<SessionDoc>();
    if (!doc) return null;
    return { tokenHash: doc._id, kind: doc.kind, userId: doc.userId, teamId: doc.teamId, createdAt: doc.createdAt, expiresAt: doc.expiresAt.toISOString() };
  }

  async delete(tokenHash: string): Promise<void> {
    await this.models.Session.deleteOne({ _id: tokenHash });
  }

  async deleteByUser(userId: string): Promise<void> {
    await this.models.Session.deleteMany({ userId });
  }

  async deleteExpired(now: Timestamp): Promise<number> {
    return (await this.models.Session.deleteMany({ expiresAt: { $lte: new Date(now) } })).deletedCount;
  }
}
