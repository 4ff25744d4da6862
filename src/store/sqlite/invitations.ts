import { foldCase } from '../case-fold';
import type { Invitation, InvitationPurpose, InvitationRepo, Timestamp, User } from '../port';
import type { Db } from './database';
import { mapUniqueViolation } from './errors';
import { rowToUser, type UserRow } from './user-rows';

interface InvitationRow {
  id: string;
  purpose: string;
  team_id: string;
  user_id: string;
  email: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  voided_at: string | null;
  last_send_error: string | null;
}

function rowToInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    purpose: row.purpose === 'email-validation' ? 'email-validation' : 'invitation',
    teamId: row.team_id,
    userId: row.user_id,
    email: row.email,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at,
    voidedAt: row.voided_at,
    lastSendError: row.last_send_error,
  };
}

const OPEN = 'accepted_at IS NULL AND voided_at IS NULL';

export class SqliteInvitationRepo implements InvitationRepo {
  private readonly statements;
  private readonly createTx;
  private readonly acceptTx;
  private readonly validateEmailTx;

  constructor(db: Db) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO invitations (id, purpose, team_id, user_id, email, token_hash, created_at, expires_at, accepted_at, voided_at, last_send_error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      voidForUser: db.prepare(`UPDATE invitations SET voided_at = ? WHERE user_id = ? AND ${OPEN}`),
      voidForUserPurpose: db.prepare(`UPDATE invitations SET voided_at = ? WHERE user_id = ? AND purpose = ? AND ${OPEN}`),
      byTokenHash: db.prepare('SELECT * FROM invitations WHERE token_hash = ?'),
      openForUser: db.prepare(`SELECT * FROM invitations WHERE team_id = ? AND user_id = ? AND purpose = ? AND ${OPEN} ORDER BY created_at DESC, id DESC LIMIT 1`),
      // Literal purpose, so SQLite may use the partial index invitations_open_validations (migration 010).
      anyOpenValidation: db.prepare(`SELECT 1 FROM invitations WHERE team_id = ? AND purpose = 'email-validation' AND ${OPEN} LIMIT 1`).pluck(),
      // One statement for any number of ids: the list arrives as a JSON array.
      openForUsers: db.prepare(
        `SELECT * FROM invitations WHERE team_id = ? AND purpose = ? AND ${OPEN} AND user_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id`,
      ),
      markAccepted: db.prepare(`UPDATE invitations SET accepted_at = ? WHERE id = ? AND purpose = ? AND ${OPEN} AND expires_at > ? RETURNING *`),
      setUserEmail: db.prepare('UPDATE users SET email = ?, email_lower = ?, version = version + 1, updated_at = ? WHERE id = ? AND team_id = ? AND version = ? RETURNING *'),
      activateUser: db.prepare(
        `UPDATE users SET status = 'active', password_hash = ?, version = version + 1, updated_at = ?
         WHERE id = ? AND team_id = ? AND status = 'pending' RETURNING *`,
      ),
      recordSendResult: db.prepare('UPDATE invitations SET last_send_error = ? WHERE id = ?'),
    };
    this.createTx = db.transaction((i: Invitation) => {
      this.statements.voidForUserPurpose.run(i.createdAt, i.userId, i.purpose);
      this.statements.insert.run(i.id, i.purpose, i.teamId, i.userId, i.email, i.tokenHash, i.createdAt, i.expiresAt, i.acceptedAt, i.voidedAt, i.lastSendError);
    });
    // Both updates or neither: a consumed link always leaves an active user, and a link can be consumed once.
    this.acceptTx = db.transaction((id: string, passwordHash: string, now: Timestamp): User | null => {
      const invitation = this.statements.markAccepted.get(now, id, 'invitation', now) as InvitationRow | undefined;
      if (!invitation) return null;
      const user = this.statements.activateUser.get(passwordHash, now, invitation.user_id, invitation.team_id) as UserRow | undefined;
      if (!user) throw new NotPendingRollback();
      return rowToUser(user);
    });
    // Both or neither: a used validation link always leaves the address as the sign-in email.
    this.validateEmailTx = db.transaction((id: string, userVersion: number, now: Timestamp): User | null => {
      const invitation = this.statements.markAccepted.get(now, id, 'email-validation', now) as InvitationRow | undefined;
      if (!invitation) return null;
      const user = this.statements.setUserEmail.get(invitation.email, foldCase(invitation.email), now, invitation.user_id, invitation.team_id, userVersion) as UserRow | undefined;
      if (!user) throw new NotPendingRollback(); // the user changed meanwhile: the link stays open
      return rowToUser(user);
    });
  }

  async create(invitation: Invitation): Promise<void> {
    mapUniqueViolation(() => this.createTx.immediate(invitation));
  }

  async findByTokenHash(tokenHash: string): Promise<Invitation | null> {
    const row = this.statements.byTokenHash.get(tokenHash) as InvitationRow | undefined;
    return row ? rowToInvitation(row) : null;
  }

  async findOpenForUser(teamId: string, userId: string, purpose: InvitationPurpose = 'invitation'): Promise<Invitation | null> {
    const row = this.statements.openForUser.get(teamId, userId, purpose) as InvitationRow | undefined;
    return row ? rowToInvitation(row) : null;
  }

  async listOpenForUsers(teamId: string, userIds: readonly string[], purpose: InvitationPurpose): Promise<Invitation[]> {
    if (userIds.length === 0) return [];
    // Most teams have no open validation: one index probe (~1 µs) instead of matching a page of 100 ids (~30 µs).
    if (purpose === 'email-validation' && this.statements.anyOpenValidation.get(teamId) === undefined) return [];
    return (this.statements.openForUsers.all(teamId, purpose, JSON.stringify(userIds)) as InvitationRow[]).map(rowToInvitation);
  }

  async validateEmail(id: string, userVersion: number, now: Timestamp): Promise<User | null> {
    try {
      return mapUniqueViolation(() => this.validateEmailTx.immediate(id, userVersion, now));
    } catch (e) {
      if (e instanceof NotPendingRollback) return null;
      throw e;
    }
  }

  async accept(id: string, passwordHash: string, now: Timestamp): Promise<User | null> {
    try {
      return this.acceptTx.immediate(id, passwordHash, now);
    } catch (e) {
      if (e instanceof NotPendingRollback) return null; // the user is no longer pending: the invitation stays open
      throw e;
    }
  }

  async voidForUser(userId: string, now: Timestamp, purpose?: InvitationPurpose): Promise<void> {
    if (purpose) this.statements.voidForUserPurpose.run(now, userId, purpose);
    else this.statements.voidForUser.run(now, userId);
  }

  async recordSendResult(id: string, error: string | null): Promise<void> {
    this.statements.recordSendResult.run(error, id);
  }
}

/** Thrown inside the accept / validate transactions to roll back the invitation update. */
class NotPendingRollback extends Error {}
