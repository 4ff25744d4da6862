import type { Connection } from 'mongoose';
import { foldCase } from '../case-fold';
import type { Invitation, InvitationPurpose, InvitationRepo, Timestamp, User } from '../port';
import type { InvitationDoc, UserDoc } from './documents';
import { mapUniqueViolation } from './errors';
import type { Models } from './models';
import { docToUser } from './user-docs';

function docToInvitation(doc: InvitationDoc): Invitation {
  return {
    id: doc._id,
    purpose: doc.purpose ?? 'invitation',
    teamId: doc.teamId,
    userId: doc.userId,
    email: doc.email,
    tokenHash: doc.tokenHash,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    acceptedAt: doc.acceptedAt,
    voidedAt: doc.voidedAt,
    lastSendError: doc.lastSendError,
  };
}

const OPEN = { acceptedAt: null, voidedAt: null };
/** Links written before issue 21 have no purpose field: they are invitations. */
const ofPurpose = (purpose: InvitationPurpose) => (purpose === 'invitation' ? { purpose: { $ne: 'email-validation' as const } } : { purpose });

export class MongoInvitationRepo implements InvitationRepo {
  constructor(
    private readonly connection: Connection,
    private readonly models: Models,
  ) {}

  async create(i: Invitation): Promise<void> {
    const doc: InvitationDoc = {
      _id: i.id,
      purpose: i.purpose,
      teamId: i.teamId,
      userId: i.userId,
      email: i.email,
      tokenHash: i.tokenHash,
      createdAt: i.createdAt,
      expiresAt: i.expiresAt,
      acceptedAt: i.acceptedAt,
      voidedAt: i.voidedAt,
      lastSendError: i.lastSendError,
    };
    await mapUniqueViolation(() =>
      this.connection.transaction(async (session) => {
        await this.models.Invitation.updateMany({ userId: i.userId, ...ofPurpose(i.purpose), ...OPEN }, { $set: { voidedAt: i.createdAt } }, { session });
        await this.models.Invitation.insertOne(doc, { session });
      }),
    );
  }

  async findByTokenHash(tokenHash: string): Promise<Invitation | null> {
    const doc = await this.models.Invitation.findOne({ tokenHash }).lean<InvitationDoc>();
    return doc ? docToInvitation(doc) : null;
  }

  async findOpenForUser(teamId: string, userId: string, purpose: InvitationPurpose = 'invitation'): Promise<Invitation | null> {
    const doc = await this.models.Invitation.findOne({ teamId, userId, ...ofPurpose(purpose), ...OPEN }).sort({ createdAt: -1, _id: -1 }).lean<InvitationDoc>();
    return doc ? docToInvitation(doc) : null;
  }

  async listOpenForUsers(teamId: string, userIds: readonly string[], purpose: InvitationPurpose): Promise<Invitation[]> {
    if (userIds.length === 0) return [];
    const docs = await this.models.Invitation.find({ teamId, userId: { $in: [...userIds] }, ...ofPurpose(purpose), ...OPEN }).sort({ createdAt: 1, _id: 1 }).lean<InvitationDoc[]>();
    return docs.map(docToInvitation);
  }

  /** Single use as accept(): the conditional update on the link decides which racing request wins. */
  async validateEmail(id: string, userVersion: number, now: Timestamp): Promise<User | null> {
    try {
      return await this.validateEmailInTransaction(id, userVersion, now);
    } catch (e) {
      if (e instanceof NotPendingRollback) return null; // the user changed meanwhile: the link stays open
      throw e;
    }
  }

  private validateEmailInTransaction(id: string, userVersion: number, now: Timestamp): Promise<User | null> {
    return mapUniqueViolation(() =>
      this.connection.transaction(async (session) => {
        const invitation = await this.models.Invitation.findOneAndUpdate(
          { _id: id, purpose: 'email-validation', ...OPEN, expiresAt: { $gt: now } },
          { $set: { acceptedAt: now } },
          { session, returnDocument: 'after' },
        ).lean<InvitationDoc>();
        if (!invitation) return null;
        const user = await this.models.User.findOneAndUpdate(
          { _id: invitation.userId, teamId: invitation.teamId, version: userVersion },
          { $set: { email: invitation.email, emailLower: foldCase(invitation.email), updatedAt: now }, $inc: { version: 1 } },
          { session, returnDocument: 'after' },
        ).lean<UserDoc>();
        if (!user) throw new NotPendingRollback();
        return docToUser(user);
      }),
    );
  }

  /**
   * The conditional update on the invitation is what makes it single use: of two racing
   * transactions only one matches `acceptedAt: null`; the other gets a write conflict, is retried
   * by connection.transaction(), and then matches nothing.
   */
  async accept(id: string, passwordHash: string, now: Timestamp): Promise<User | null> {
    try {
      return await this.acceptInTransaction(id, passwordHash, now);
    } catch (e) {
      if (e instanceof NotPendingRollback) return null; // the user is no longer pending: the invitation stays open
      throw e;
    }
  }

  private acceptInTransaction(id: string, passwordHash: string, now: Timestamp): Promise<User | null> {
    return this.connection.transaction(async (session) => {
      const invitation = await this.models.Invitation.findOneAndUpdate(
        { _id: id, ...ofPurpose('invitation'), ...OPEN, expiresAt: { $gt: now } },
        { $set: { acceptedAt: now } },
        { session, returnDocument: 'after' },
      ).lean<InvitationDoc>();
      if (!invitation) return null;
      const user = await this.models.User.findOneAndUpdate(
        { _id: invitation.userId, teamId: invitation.teamId, status: 'pending' },
        { $set: { status: 'active', active: true, passwordHash, updatedAt: now }, $inc: { version: 1 } },
        { session, returnDocument: 'after' },
      ).lean<UserDoc>();
      if (!user) throw new NotPendingRollback();
      return docToUser(user);
    });
  }

  async voidForUser(userId: string, now: Timestamp, purpose?: InvitationPurpose): Promise<void> {
    await this.models.Invitation.updateMany({ userId, ...(purpose ? ofPurpose(purpose) : {}), ...OPEN }, { $set: { voidedAt: now } });
  }

  async recordSendResult(id: string, error: string | null): Promise<void> {
    await this.models.Invitation.updateOne({ _id: id }, { $set: { lastSendError: error } });
  }
}

/** Thrown inside the accept transaction to roll back the invitation update. */
class NotPendingRollback extends Error {}
