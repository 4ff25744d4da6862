import type { ClientSession } from 'mongoose';
import { UniqueConstraintError } from '../port';
import { isDuplicateKey } from './errors';
import type { Models } from './models';

/** The subject fields of a user write (what SQLite migration 006's triggers look at). */
export interface SubjectFields {
  id: string;
  teamId: string;
  externalId: string | null;
  idpId: string | null;
  nameId: string | null;
  /** Set for users written under the directory profile: their externalId is opaque, not a subject. */
  userName?: string | null;
}

/** Creates a per-team lock document outside any transaction (upsert races are harmless). */
export async function ensureTeamLock(models: Models, lockId: string): Promise<void> {
  await models.Lock.updateOne({ _id: lockId }, { $setOnInsert: { seq: 0 } }, { upsert: true }).catch((e: unknown) => {
    if (!isDuplicateKey(e)) throw e; // another instance created it first: fine
  });
}

export const subjectLockId = (teamId: string): string => `subjects:${teamId}`;

/**
 * One SAML subject, one user (MongoDB side of SQLite's migration 006): inside the write's
 * transaction, refuses a user whose externalId is another user's bound NameID at an IdP that could
 * sign it in, or whose NameID is another strict user's externalId (a directory user's externalId is opaque). A unique index cannot express the
 * cross-field rule, and check-then-write alone is write skew under snapshot isolation, so every such
 * write also bumps the team's subject lock: two concurrent ones conflict and the second is retried
 * by connection.transaction() after the first commits, when its check sees the first's user.
 * Call ensureTeamLock(subjectLockId(teamId)) before the transaction.
 */
export async function guardSubject(models: Models, user: SubjectFields, session: ClientSession): Promise<void> {
  if (user.externalId === null && user.nameId === null) return;
  await models.Lock.updateOne({ _id: subjectLockId(user.teamId) }, { $inc: { seq: 1 } }, { session });
  const clashes: Record<string, unknown>[] = [];
  // Only a strict user's externalId is a SAML subject (SQLite migration 011): strictExternalId is null for directory users.
  if (user.externalId !== null && user.userName == null) clashes.push({ nameId: user.externalId, ...(user.idpId !== null ? { idpId: user.idpId } : {}) });
  if (user.nameId !== null) clashes.push({ strictExternalId: user.nameId, $or: [{ idpId: null }, { idpId: user.idpId }] });
  if (clashes.length === 0) return;
  const clash = await models.User.exists({ teamId: user.teamId, _id: { $ne: user.id }, $or: clashes }).session(session);
  if (clash) throw new UniqueConstraintError('subject');
}
