import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { addSeconds, nowIso, randomSecret, sha256Hex } from '../crypto';
import { AppError, badRequest, conflict, notFound } from '../http/errors';
import { emailValidationMail } from '../mail/email-validation-mail';
import { invitationMail } from '../mail/invitation-mail';
import type { LinkMailInput } from '../mail/link-mail';
import type { Mail, Mailer } from '../mail/mailer';
import { ScimError } from '../scim/errors';
import type { AuditActor, Invitation, InvitationPurpose, ScimToken, Store, Team, User } from '../store/port';
import { normaliseEmail } from './account-service';
import type { Auditor } from './audit';
import { checkPasswordRules, hashPassword } from './passwords';

/** What GET /users/{id}/invitation shows an admin. */
export interface InvitationStatus {
  status: 'pending' | 'expired';
  sent_to: string;
  created_at: string;
  expires_at: string;
  /** The last delivery failure, or null once a delivery succeeded (or while one is still running). */
  last_send_error: string | null;
}

export type InvitationReason = 'provisioned' | 'email-changed' | 'identifier-changed' | 'resent';

/** Secrets we hand out are 32 random bytes, base64url: exactly 43 characters. */
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Why a link cannot be used; each has its own page. */
export type LinkProblem = 'invalid' | 'expired' | 'used' | 'replaced' | 'not-pending';

export class InvitationLinkError extends AppError {
  constructor(
    public readonly problem: LinkProblem,
    status: number,
    message: string,
    public readonly expiresAt?: string,
    public readonly purpose: InvitationPurpose = 'invitation',
  ) {
    super(status, `${purpose}-${problem}`, message);
  }
}

/** What differs between the kinds of mailed link: their page, mail, audit names and what a dead link says. */
interface LinkKind {
  path: string;
  mail: (input: LinkMailInput) => Mail;
  /** Audit actions are `${audit}.created`, `.sent`, `.send-failed`. */
  audit: string;
  invalid: string;
  used: string;
  replaced: string;
  expired: string;
}

const LINK_KINDS: Record<InvitationPurpose, LinkKind> = {
  invitation: {
    path: '/invitations/accept',
    mail: invitationMail,
    audit: 'invitation',
    invalid: 'This invitation link is not valid. Check that you opened the whole link from the email, or ask your team administrator to send a new invitation.',
    used: 'This invitation has already been used. Sign in with your email address and the password you chose.',
    replaced: 'This invitation link was replaced by a newer one (or withdrawn). Use the link in the most recent invitation email, or ask your team administrator to send a new one.',
    expired: 'This invitation link has expired. Ask your team administrator to send a new invitation.',
  },
  'email-validation': {
    path: '/email-validation',
    mail: emailValidationMail,
    audit: 'email-validation',
    invalid: 'This email validation link is not valid. Check that you opened the whole link from the email, or ask your team administrator to send a new one (People page: "Re-send validation").',
    used: 'This email validation link has already been used: a link works once. If your address shows as not validated, ask your team administrator to send a new one (People page: "Re-send validation").',
    replaced: 'This email validation link was replaced by a newer one, or your email address changed since it was sent. Use the link in the most recent email, or ask your team administrator to send a new one (People page: "Re-send validation").',
    expired: 'This email validation link has expired. Ask your team administrator to send a new one (People page: "Re-send validation").',
  },
};

const LINK_STATUS = { invalid: 404, used: 410, replaced: 410, expired: 410 } as const;

/** The error (and page) for a link of this purpose that cannot be used, with the purpose's own words. */
export function linkProblem(purpose: InvitationPurpose, problem: keyof typeof LINK_STATUS, expiresAt?: string): InvitationLinkError {
  return new InvitationLinkError(problem, LINK_STATUS[problem], LINK_KINDS[purpose][problem], expiresAt, purpose);
}

export interface CheckedLink {
  invitation: Invitation;
  user: User;
  team: Team;
}

/**
 * Invitations of email/password teams (seeds 000–003): a SCIM-provisioned user whose externalId is
 * their email gets a single-use, expiring link by email, stays pending until they set a password,
 * and is then active. Delivery runs after the request that caused it (SCIM clients and admins do not
 * wait on a mail server); its outcome is recorded on the invitation and in the audit log.
 */
export class InvitationService {
  private readonly deliveries = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly mailer: Mailer,
    private readonly audit: Auditor,
    private readonly logger: Logger,
  ) {}

  /**
   * True when users provisioned through this token sign in with email + password (so externalId
   * must be their email): the token is not bound to an IdP and the team has no SAML IdP.
   */
  async teamUsesInvitations(teamId: string, token: Pick<ScimToken, 'idpId'>): Promise<boolean> {
    if (token.idpId) return false;
    return (await this.store.idps.list(teamId)).length === 0;
  }

  /**
   * The stored fields of a user provisioned into an email/password team: externalId is the sign-in
   * email (lower-cased), the user is pending without a password. A non-email externalId is a 400.
   */
  pendingUserFields(externalId: string): { email: string; status: 'pending'; passwordHash: null } {
    let email: string;
    try {
      email = normaliseEmail(externalId);
    } catch {
      throw new ScimError(
        400,
        `externalId must be the user's email address in this team: it signs in with email and password (no SAML identity provider is connected), and the invitation is sent to that address. ${JSON.stringify(externalId.slice(0, 80))} is not an email address.`,
        'invalidValue',
      );
    }
    return { email, status: 'pending', passwordHash: null };
  }

  /** A freshly provisioned pending user: issue and send the first invitation. */
  async inviteProvisionedUser(user: User, actor: AuditActor): Promise<Invitation | null> {
    if (user.status !== 'pending' || !user.email) return null;
    return this.issue(user, actor, 'provisioned');
  }

  /**
   * Call after a write that may have changed a pending user's email (externalId): the old link
   * is voided and a new one goes to the new address. No-op for other users or an unchanged email.
   */
  async onExternalIdChanged(before: User, after: User, actor: AuditActor): Promise<Invitation | null> {
    if (after.status !== 'pending' || !after.email) return null;
    if ((before.email ?? '').toLowerCase() === after.email.toLowerCase()) return null;
    return this.issue(after, actor, 'email-changed');
  }

  /** Call after a user was deleted (the store deleted its invitations with it): audit only. */
  async onUserDeleted(user: User, actor: AuditActor): Promise<void> {
    if (user.status !== 'pending') return;
    await this.store.invitations.voidForUser(user.id, nowIso()); // harmless if the rows are gone already
    await this.audit({ teamId: user.teamId, actor, action: 'invitation.voided', targetType: 'user', targetId: user.id, details: { reason: 'user-deleted' } });
  }

  /** Admin re-send: a new link (the old one stops working), sent to the user's current email. */
  async resend(teamId: string, userId: string, actor: AuditActor): Promise<InvitationStatus> {
    const user = await this.store.users.get(teamId, userId);
    if (!user) throw notFound('user-not-found', `No user with id ${userId} in your team.`);
    if (user.status !== 'pending')
      throw conflict('not-pending', `This user is ${user.status}: only pending users (who have not accepted their invitation yet) can be sent one.`);
    if (!user.email) throw conflict('no-email', 'This user has no email address to send an invitation to; set their externalId to their email.');
    const invitation = await this.issue(user, actor, 'resent');
    return statusOf(invitation);
  }

  async status(teamId: string, userId: string): Promise<InvitationStatus> {
    const user = await this.store.users.get(teamId, userId);
    if (!user) throw notFound('user-not-found', `No user with id ${userId} in your team.`);
    const invitation = await this.store.invitations.findOpenForUser(teamId, userId);
    if (!invitation)
      throw notFound('no-open-invitation', user.status === 'pending' ? 'This user has no open invitation; send one with POST /users/{id}/invitation.' : `This user is ${user.status}; there is no open invitation.`);
    return statusOf(invitation);
  }

  /**
   * Resolves a link's secret to its open, unexpired record of this purpose, or throws the reason it
   * cannot be used (invalid, used, replaced, expired). A link of the other purpose is invalid here.
   */
  async checkLink(secret: unknown, purpose: InvitationPurpose, now = nowIso()): Promise<Invitation> {
    if (typeof secret !== 'string' || !SECRET_SHAPE.test(secret)) throw linkProblem(purpose, 'invalid');
    const invitation = await this.store.invitations.findByTokenHash(sha256Hex(secret));
    if (!invitation || invitation.purpose !== purpose) throw linkProblem(purpose, 'invalid');
    if (invitation.acceptedAt) throw linkProblem(purpose, 'used');
    if (invitation.voidedAt) throw linkProblem(purpose, 'replaced');
    if (invitation.expiresAt <= now) throw linkProblem(purpose, 'expired', invitation.expiresAt);
    return invitation;
  }

  /** Resolves a link's secret to a usable invitation, or throws the reason it cannot be used. */
  async check(secret: unknown, now = nowIso()): Promise<CheckedLink> {
    const invalid = linkProblem('invitation', 'invalid');
    const invitation = await this.checkLink(secret, 'invitation', now);
    const user = await this.store.users.get(invitation.teamId, invitation.userId);
    const team = await this.store.teams.get(invitation.teamId);
    if (!user || !team) throw invalid;
    if (user.status !== 'pending')
      throw new InvitationLinkError('not-pending', 409, user.status === 'suspended' ? 'This account is suspended. Ask your team administrator to reinstate it.' : 'This account is already active. Sign in with your email address and password.');
    return { invitation, user, team };
  }

  /** Sets the password and activates the user, consuming the link (single use). */
  async accept(secret: unknown, password: unknown, confirmation: unknown): Promise<User> {
    const { invitation } = await this.check(secret);
    const checked = checkPasswordRules(password);
    if (checked !== confirmation) throw badRequest('password-mismatch', 'The two passwords do not match; type the same password twice.');
    const passwordHash = await hashPassword(checked);
    const user = await this.store.invitations.accept(invitation.id, passwordHash, nowIso());
    if (!user) {
      await this.check(secret); // lost a race or expired meanwhile: report why
      throw new InvitationLinkError('used', 410, 'This invitation has already been used.');
    }
    await this.audit({ teamId: user.teamId, actor: { type: 'user', id: user.id, name: user.email }, action: 'invitation.accepted', targetType: 'user', targetId: user.id, details: { invitationId: invitation.id, email: invitation.email } });
    return user;
  }

  /** Resolves once every delivery started so far has finished (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all([...this.deliveries]);
  }

  private issue(user: User, actor: AuditActor, reason: InvitationReason): Promise<Invitation> {
    return this.issueLink(user, user.email!, 'invitation', actor, reason);
  }

  /**
   * Mints a single-use, expiring link of this purpose for `email` (only its SHA-256 is stored; the
   * user's older open link of the same purpose stops working), audits it, and mails it in the
   * background. Email validation (src/accounts/email-validation-service.ts) issues its links here.
   */
  async issueLink(user: User, email: string, purpose: InvitationPurpose, actor: AuditActor, reason: InvitationReason): Promise<Invitation> {
    const team = await this.store.teams.get(user.teamId);
    if (!team) throw notFound('team-not-found', `No team with id ${user.teamId}.`);
    const secret = randomSecret();
    const createdAt = nowIso();
    const invitation: Invitation = {
      id: randomUUID(),
      purpose,
      teamId: user.teamId,
      userId: user.id,
      email,
      tokenHash: sha256Hex(secret),
      createdAt,
      expiresAt: addSeconds(createdAt, this.config.invitationTtlHours * 3600),
      acceptedAt: null,
      voidedAt: null,
      lastSendError: null,
    };
    await this.store.invitations.create(invitation); // voids the user's older links
    await this.audit({ teamId: user.teamId, actor, action: `${LINK_KINDS[purpose].audit}.created`, targetType: 'user', targetId: user.id, details: { invitationId: invitation.id, email: invitation.email, reason, expiresAt: invitation.expiresAt } });
    const delivery = this.deliver(invitation, secret, team).finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
    return invitation;
  }

  /** Never throws: a failed send leaves the invitation pending with lastSendError, audited and logged. */
  private async deliver(invitation: Invitation, secret: string, team: Team): Promise<void> {
    const kind = LINK_KINDS[invitation.purpose];
    const link = `${this.config.publicUrl}${kind.path}?token=${secret}`;
    const base = { teamId: invitation.teamId, actor: { type: 'system' as const, id: null, name: 'mailer' }, targetType: 'user', targetId: invitation.userId };
    try {
      const result = await this.mailer.send(kind.mail({ to: invitation.email, teamName: team.name, link, expiresAt: new Date(invitation.expiresAt) }));
      await this.store.invitations.recordSendResult(invitation.id, null);
      await this.audit({ ...base, action: `${kind.audit}.sent`, details: { invitationId: invitation.id, email: invitation.email, delivery: result.delivery } });
    } catch (e) {
      const error = describeSendError(e);
      this.logger.warn({ invitationId: invitation.id, purpose: invitation.purpose, userId: invitation.userId, error }, `${kind.audit} email could not be sent; it stays open and can be re-sent`);
      try {
        await this.store.invitations.recordSendResult(invitation.id, error);
        await this.audit({ ...base, action: `${kind.audit}.send-failed`, details: { invitationId: invitation.id, email: invitation.email, error } });
      } catch (recordError) {
        this.logger.error({ err: recordError, invitationId: invitation.id }, 'could not record the invitation send failure');
      }
    }
  }
}

export function statusOf(invitation: Invitation, now = nowIso()): InvitationStatus {
  return {
    status: invitation.expiresAt <= now ? 'expired' : 'pending',
    sent_to: invitation.email,
    created_at: invitation.createdAt,
    expires_at: invitation.expiresAt,
    last_send_error: invitation.lastSendError,
  };
}

/** A short, credential-free description of a mail failure for admins (nodemailer errors carry code/response). */
function describeSendError(e: unknown): string {
  const { code, response, message } = (e ?? {}) as { code?: unknown; response?: unknown; message?: unknown };
  const text = typeof response === 'string' && response ? response : typeof message === 'string' ? message : String(e);
  return (typeof code === 'string' ? `${code}: ${text}` : text).slice(0, 500);
}
