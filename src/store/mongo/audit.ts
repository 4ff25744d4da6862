import type { ClientSession } from 'mongoose';
import { stampAuditEntry } from '../audit-entry';
import type { AuditEntry, AuditQuery, AuditRepo, NewAuditEntry } from '../port';
import { nonNegativeInt } from '../paging';
import type { AuditDoc } from './documents';
import type { Models } from './models';
import { decodeKeys, encodeKeys } from './scim-keys';

/** Field by field (the actor too), not {_id, ...entry}: an extra property must not reach a strict: 'throw' schema. */
export function auditDoc(entry: AuditEntry): AuditDoc {
  const { actor } = entry;
  return {
    _id: entry.id,
    teamId: entry.teamId,
    at: entry.at,
    actor: { type: actor.type, id: actor.id, name: actor.name },
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    // details is free-form: its keys may contain dots too.
    details: encodeKeys(entry.details) as AuditDoc['details'],
  };
}

export class MongoAuditRepo implements AuditRepo {
  constructor(private readonly models: Models) {}

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    return this.insertIn(entry, null);
  }

  /** Inserts within `session` (a user write's transaction) or on its own when null. */
  async insertIn(entry: NewAuditEntry, session: ClientSession | null): Promise<AuditEntry> {
    const stored = stampAuditEntry(entry);
    await this.models.Audit.insertOne(auditDoc(stored), { session });
    return stored;
  }

  /** Newest first; `before` continues after the last entry of the previous page. */
  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const conditions: Record<string, unknown>[] = [{ teamId: query.teamId }];
    if (query.actorId !== undefined) conditions.push({ 'actor.id': query.actorId });
    if (query.action !== undefined) conditions.push({ action: query.action });
    if (query.since !== undefined) conditions.push({ at: { $gte: query.since } });
    if (query.until !== undefined) conditions.push({ at: { $lte: query.until } });
    if (query.before) {
      const { at, id } = query.before;
      conditions.push({ $or: [{ at: { $lt: at } }, { at, _id: { $lt: id } }] });
    }
    const docs = await this.models.Audit.find({ $and: conditions }).sort({ at: -1, _id: -1 }).limit(nonNegativeInt(query.limit)).lean<AuditDoc[]>();
    return docs.map((d) => ({
      id: d._id,
      teamId: d.teamId,
      at: d.at,
      actor: { type: d.actor.type, id: d.actor.id ?? null, name: d.actor.name ?? null },
      action: d.action,
      targetType: d.targetType,
      targetId: d.targetId,
      details: decodeKeys(d.details ?? {}) as AuditEntry['details'],
    }));
  }
}
