import type { SamlRequest, SamlRequestConsumeResult, SamlRequestRepo, Timestamp } from '../port';
import { mapUniqueViolation } from './errors';
import type { Models } from './models';
import type { SamlRequestDoc } from './saml-models';

/** Expired requests are kept this long (TTL) so a late answer still gets "request expired". */
const PURGE_AFTER_MS = 24 * 3600_000;

function docToRequest(doc: SamlRequestDoc): SamlRequest {
  return {
    id: doc._id,
    teamId: doc.teamId,
    idpId: doc.idpId,
    successRedirect: doc.successRedirect,
    errorRedirect: doc.errorRedirect,
    testRunId: doc.testRunId,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    consumedAt: doc.consumedAt,
  };
}

export class MongoSamlRequestRepo implements SamlRequestRepo {
  constructor(private readonly models: Models) {}

  async create(r: SamlRequest): Promise<void> {
    const doc: SamlRequestDoc = {
      _id: r.id,
      teamId: r.teamId,
      idpId: r.idpId,
      successRedirect: r.successRedirect,
      errorRedirect: r.errorRedirect,
      testRunId: r.testRunId,
      createdAt: r.createdAt,
      expiresAt: r.expiresAt,
      consumedAt: r.consumedAt,
      purgeAt: new Date(Date.parse(r.expiresAt) + PURGE_AFTER_MS),
    };
    await mapUniqueViolation(() => this.models.SamlRequest.insertOne(doc));
  }

  async find(id: string): Promise<SamlRequest | null> {
    const doc = await this.models.SamlRequest.findOne({ _id: id }).lean<SamlRequestDoc>();
    return doc ? docToRequest(doc) : null;
  }

  /** One conditional findOneAndUpdate: of concurrent callers only one matches the unconsumed document. */
  async consume(id: string, now: Timestamp): Promise<SamlRequestConsumeResult> {
    const consumed = await this.models.SamlRequest.findOneAndUpdate(
      { _id: id, consumedAt: null, expiresAt: { $gt: now } },
      { $set: { consumedAt: now } },
      { returnDocument: 'after' },
    ).lean<SamlRequestDoc>();
    if (consumed) return { status: 'consumed', request: docToRequest(consumed) };
    const doc = await this.models.SamlRequest.findOne({ _id: id }).lean<SamlRequestDoc>();
    if (!doc) return { status: 'unknown' };
    return { status: doc.consumedAt ? 'reused' : 'expired', request: docToRequest(doc) };
  }

  async deleteExpired(before: Timestamp): Promise<number> {
    return (await this.models.SamlRequest.deleteMany({ expiresAt: { $lt: before } })).deletedCount;
  }
}
