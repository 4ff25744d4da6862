import type { ClientSession, Connection } from 'mongoose';
import type { InstanceSecret, InstanceSecretRepo, SpKey, SpKeyRepo, Timestamp } from '../port';
import { isDuplicateKey } from './errors';
import type { InstanceSecretDoc, SpKeyDoc } from './keys-models';
import type { Models } from './models';

const LOCK_ID = 'sp-keys';

function docToKey(doc: SpKeyDoc): SpKey {
  return { id: doc._id, use: doc.use, state: doc.state, certPem: doc.certPem, sealedPrivateKey: doc.sealedPrivateKey, createdAt: doc.createdAt, activatedAt: doc.activatedAt };
}

function keyToDoc(key: SpKey, state: SpKey['state']): SpKeyDoc {
  return { _id: key.id, use: key.use, state, certPem: key.certPem, sealedPrivateKey: key.sealedPrivateKey, createdAt: key.createdAt, activatedAt: state === 'active' ? key.activatedAt : null };
}

/**
 * SP key pairs and their rollover. Every state change runs in a transaction that first writes the
 * `sp-keys` lock document, so two instances (or an instance and the CLI) changing keys at once
 * conflict and are retried one after the other instead of both acting on the same snapshot.
 */
export class MongoSpKeyRepo implements SpKeyRepo {
  constructor(
    private readonly connection: Connection,
    private readonly models: Models,
  ) {}

  private async locked<T>(work: (session: ClientSession) => Promise<T>): Promise<T> {
    await this.models.Lock.updateOne({ _id: LOCK_ID }, { $setOnInsert: { seq: 0 } }, { upsert: true }).catch((e: unknown) => {
      if (!isDuplicateKey(e)) throw e; // another instance created it first: fine
    });
    return this.connection.transaction(async (session) => {
      await this.models.Lock.updateOne({ _id: LOCK_ID }, { $inc: { seq: 1 } }, { session });
      return work(session);
    });
  }

  private async inState(state: SpKey['state'], session?: ClientSession): Promise<SpKey[]> {
    const query = this.models.SpKey.find({ state });
    if (session) query.session(session);
    return (await query.lean<SpKeyDoc[]>()).map(docToKey);
  }

  async list(): Promise<SpKey[]> {
    return (await this.models.SpKey.find({}).lean<SpKeyDoc[]>()).map(docToKey);
  }

  async createActiveIfAbsent(keys: readonly SpKey[]): Promise<SpKey[]> {
    try {
      await this.locked(async (session) => {
        if ((await this.inState('active', session)).length > 0) return;
        await this.models.SpKey.insertMany(
          keys.map((k) => keyToDoc(k, 'active')),
          { session },
        );
      });
    } catch (e) {
      // The unique (use, state) index refused ours: another instance's pair won; read it back.
      if (!isDuplicateKey(e)) throw e;
    }
    return this.inState('active');
  }

  async stage(keys: readonly SpKey[]): Promise<'staged' | 'already-staged' | 'previous-not-retired'> {
    try {
      return await this.locked(async (session) => {
        if ((await this.inState('staged', session)).length > 0) return 'already-staged' as const;
        if ((await this.inState('previous', session)).length > 0) return 'previous-not-retired' as const;
        await this.models.SpKey.insertMany(
          keys.map((k) => keyToDoc(k, 'staged')),
          { session },
        );
        return 'staged' as const;
      });
    } catch (e) {
      if (isDuplicateKey(e)) return 'already-staged';
      throw e;
    }
  }

  async activate(now: Timestamp): Promise<'activated' | 'nothing-staged' | 'previous-not-retired'> {
    return this.locked(async (session) => {
      if ((await this.inState('staged', session)).length === 0) return 'nothing-staged' as const;
      if ((await this.inState('previous', session)).length > 0) return 'previous-not-retired' as const;
      await this.models.SpKey.updateMany({ state: 'active' }, { $set: { state: 'previous' } }, { session });
      await this.models.SpKey.updateMany({ state: 'staged' }, { $set: { state: 'active', activatedAt: now } }, { session });
      return 'activated' as const;
    });
  }

  async retire(): Promise<'retired' | 'nothing-to-retire'> {
    return this.locked(async (session) => ((await this.models.SpKey.deleteMany({ state: 'previous' }, { session })).deletedCount > 0 ? 'retired' : 'nothing-to-retire'));
  }

  async reseal(id: string, expected: string, sealedPrivateKey: string): Promise<boolean> {
    return (await this.models.SpKey.updateOne({ _id: id, sealedPrivateKey: expected }, { $set: { sealedPrivateKey } })).modifiedCount === 1;
  }
}

const docToSecret = (doc: InstanceSecretDoc): InstanceSecret => ({ name: doc._id, sealedValue: doc.sealedValue, createdAt: doc.createdAt });

export class MongoInstanceSecretRepo implements InstanceSecretRepo {
  constructor(private readonly models: Models) {}

  /** The unique _id decides between instances: the first insert wins, a later one reads it back. */
  async getOrCreate(secret: InstanceSecret): Promise<InstanceSecret> {
    try {
      await this.models.InstanceSecret.insertOne({ _id: secret.name, sealedValue: secret.sealedValue, createdAt: secret.createdAt });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    const doc = await this.models.InstanceSecret.findById(secret.name).lean<InstanceSecretDoc>();
    if (!doc) throw new Error(`instance secret ${secret.name} vanished right after it was written`);
    return docToSecret(doc);
  }

  async list(): Promise<InstanceSecret[]> {
    return (await this.models.InstanceSecret.find({}).sort({ _id: 1 }).lean<InstanceSecretDoc[]>()).map(docToSecret);
  }

  async reseal(name: string, expected: string, sealedValue: string): Promise<boolean> {
    return (await this.models.InstanceSecret.updateOne({ _id: name, sealedValue: expected }, { $set: { sealedValue } })).modifiedCount === 1;
  }
}
