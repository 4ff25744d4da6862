/** The storage port's mailed links (invitations, email validations); re-exported by port.ts. */
import type { Timestamp, User } from './port';

/**
 * What a mailed link is for: an 'invitation' sets a pending user's password (email/password teams);
 * an 'email-validation' proves an SSO user reads the address their IdP gave (validate_saml_emails).
 */
export type InvitationPurpose = 'invitation' | 'email-validation';

export interface Invitation {
  id: string;
  purpose: InvitationPurpose;
  teamId: string;
  userId: string;
  email: string;
  tokenHash: string;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  acceptedAt: Timestamp | null;
  voidedAt: Timestamp | null;
  lastSendError: string | null;
}

/**
 * "Open" below means neither accepted nor voided; an open invitation may still have expired
 * (callers compare expiresAt), so an admin can see that a link ran out and re-send it.
 */
export interface InvitationRepo {
  /** Voids the user's other open invitations of the same purpose in the same transaction. */
  create(invitation: Invitation): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<Invitation | null>;
  /** The newest open one of this purpose (default 'invitation'). */
  findOpenForUser(teamId: string, userId: string, purpose?: InvitationPurpose): Promise<Invitation | null>;
  /** The open ones of this purpose for several users of a team at once (one query for a list page). */
  listOpenForUsers(teamId: string, userIds: readonly string[], purpose: InvitationPurpose): Promise<Invitation[]>;
  /**
   * Single use: marks the invitation (purpose 'invitation') accepted and activates the user with this
   * password hash in one transaction, only if it is open and unexpired at `now`. Returns the updated user or null.
   */
  accept(id: string, passwordHash: string, now: Timestamp): Promise<User | null>;
  /**
   * Single use: marks the email validation (purpose 'email-validation') accepted and sets the user's
   * sign-in email to its address in one transaction, only if it is open and unexpired at `now` and
   * the user is still at `userVersion` (the caller checked that version's identifier is that address).
   * Returns the updated user (version + 1) or null with nothing written. Throws
   * UniqueConstraintError('email') with nothing written when another account signs in with that address.
   */
  validateEmail(id: string, userVersion: number, now: Timestamp): Promise<User | null>;
  /** Voids the user's open links: of one purpose, or all of them. */
  voidForUser(userId: string, now: Timestamp, purpose?: InvitationPurpose): Promise<void>;
  recordSendResult(id: string, error: string | null): Promise<void>;
}
