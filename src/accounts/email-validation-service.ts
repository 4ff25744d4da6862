/**
 * Email validation of SSO users (team flag validate_saml_emails, the seed guide's
 * `validateSAMLemails`): when a SCIM-provisioned user's linking identifier is an email address, the
 * person gets a link by mail; until they open it the address is "unvalidated" and is not their
 * sign-in email (`/self` email stays null). SSO sign-in is not affected: the IdP vouches for the person.
 *
 * The links are the invitation machinery's (InvitationService.issueLink / checkLink, the invitations
 * table with purpose 'email-validation'): hashed at rest, single use, expiring, mailed by SMTP or to the
 * DATA_DIR outbox, re-sent under the same limits. The state is derived, not stored twice:
 * validated  = an SSO user's sign-in email equals their identifier's address;
 * unvalidated = an open validation link for that address exists.
 */
import { conflict, notFound } from '../http/errors';
import { nowIso } from '../crypto';
import type { AuditActor, Invitation, Store, Team, User } from '../store/port';
import { UniqueConstraintError } from '../store/port';
import { normaliseEmail } from './account-service';
import type { Auditor } from './audit';
import { linkProblem, statusOf, type InvitationService, type InvitationStatus } from './invitation-service';
import { linkingIdentifierOf } from './linking-identifier';

/** What the SCIM resource, the People page and GET /users/{id}/email-validation show. */
export interface EmailValidationState {
  email: string;
  validated: boolean;
}

export interface EmailValidationStatus extends EmailValidationState {
  /** The open link, while the address is unvalidated (null once validated or when none was sent). */
  link: InvitationStatus | null;
}

/** The address a validation is about: the user's linking identifier when it is an email address. */
export function validationAddressOf(user: Pick<User, 'externalId' | 'handle'>): string | null {
  const identifier = linkingIdentifierOf(user);
  if (identifier === null) return null;
  try {
    return normaliseEmail(identifier);
  } catch {
    return null;
  }
}

/**
 * Only SSO users take part: password users (and pending invitees of email/password teams) have a
 * sign-in email of their own, which validation never sets or drops.
 */
function isSsoUser(user: User): boolean {
  return user.passwordHash === null && user.status !== 'pending';
}

function isValidated(user: User, address: string): boolean {
  return user.email !== null && user.email.toLowerCase() === address;
}

/**
 * The sign-in email a SCIM write leaves: an SSO user's validated address stops being their sign-in
 * email when their identifier moves to another address (the new one needs its own validation).
 * Pure, so the SCIM write stores it in the same transaction as the identifier change.
 */
export function loginEmailAfterWrite(current: User, next: User): string | null {
  if (!isSsoUser(current) || current.email === null) return next.email;
  const before = validationAddressOf(current);
  if (before === null || !isValidated(current, before)) return next.email;
  return validationAddressOf(next) === before ? next.email : null;
}

export class EmailValidationService {
  constructor(
    private readonly store: Store,
    private readonly invitations: InvitationService,
    private readonly audit: Auditor,
  ) {}

  /**
   * After a SCIM create: mail a link when the team validates and the identifier is an address.
   * `team` is the team as the caller already read it in this request (saves a read).
   */
  async onProvisioned(user: User, actor: AuditActor, team?: Team | null): Promise<Invitation | null> {
    const address = validationAddressOf(user);
    if (address === null || !isSsoUser(user) || isValidated(user, address)) return null;
    if (!(await this.teamValidates(user.teamId, team))) return null;
    return this.invitations.issueLink(user, address, 'email-validation', actor, 'provisioned');
  }

  /**
   * After a SCIM replace/patch: a new address drops the old link (whatever the flag says) and, when
   * the team validates, gets a link of its own. The old validated sign-in email was already dropped
   * in the write itself (loginEmailAfterWrite).
   */
  async onIdentifierChanged(before: User, after: User, actor: AuditActor): Promise<Invitation | null> {
    const address = validationAddressOf(after);
    if (address === validationAddressOf(before)) return null;
    const open = await this.store.invitations.findOpenForUser(after.teamId, after.id, 'email-validation');
    if (open) {
      await this.store.invitations.voidForUser(after.id, nowIso(), 'email-validation');
      await this.audit({ teamId: after.teamId, actor, action: 'email-validation.voided', targetType: 'user', targetId: after.id, details: { invitationId: open.id, email: open.email, reason: 'identifier-changed' } });
    }
    if (address === null || !isSsoUser(after) || isValidated(after, address)) return null;
    if (!(await this.teamValidates(after.teamId))) return null;
    return this.invitations.issueLink(after, address, 'email-validation', actor, 'identifier-changed');
  }

  /**
   * The state of a user known to hold no open link (one created just now, when onProvisioned sent
   * none): validated or nothing, without a query.
   */
  knownStateOf(user: User): EmailValidationState | undefined {
    const address = isSsoUser(user) ? validationAddressOf(user) : null;
    return address !== null && isValidated(user, address) ? { email: address, validated: true } : undefined;
  }

  /** The state of each user that has one (validated, or with an open link), in one query for a page of users. */
  async statesOf(teamId: string, users: readonly User[]): Promise<Map<string, EmailValidationState>> {
    const states = new Map<string, EmailValidationState>();
    const waiting = new Map<string, string>();
    for (const user of users) {
      const address = isSsoUser(user) ? validationAddressOf(user) : null;
      if (address === null) continue;
      if (isValidated(user, address)) states.set(user.id, { email: address, validated: true });
      else waiting.set(user.id, address);
    }
    if (waiting.size === 0) return states;
    for (const link of await this.store.invitations.listOpenForUsers(teamId, [...waiting.keys()], 'email-validation')) {
      if (waiting.get(link.userId) === link.email) states.set(link.userId, { email: link.email, validated: false });
    }
    return states;
  }

  async status(teamId: string, userId: string): Promise<EmailValidationStatus> {
    const user = await this.userOf(teamId, userId);
    const address = this.addressToValidate(user);
    if (isValidated(user, address)) return { email: address, validated: true, link: null };
    const open = await this.store.invitations.findOpenForUser(teamId, userId, 'email-validation');
    return { email: address, validated: false, link: open && open.email === address ? statusOf(open) : null };
  }

  /** Admin re-send (API and People page): a new link, the old one stops working. */
  async resend(teamId: string, userId: string, actor: AuditActor): Promise<EmailValidationStatus> {
    const user = await this.userOf(teamId, userId);
    const address = this.addressToValidate(user);
    if (isValidated(user, address)) throw conflict('email-already-validated', `${address} is already validated; there is nothing to re-send.`);
    // Off means no new mails, re-sends included; links sent while it was on keep working.
    if (!(await this.teamValidates(teamId)))
      throw conflict('email-validation-off', 'Email validation is off in this team (validate_saml_emails), so no validation mail is sent; an owner can turn it on with PUT /team/settings or on the SSO page.');
    const link = await this.invitations.issueLink(user, address, 'email-validation', actor, 'resent');
    return { email: address, validated: false, link: statusOf(link) };
  }

  /** The link page's first step: who and which address (throws InvitationLinkError for a dead link). */
  async check(secret: unknown): Promise<{ email: string; expiresAt: string; team: Team }> {
    const link = await this.invitations.checkLink(secret, 'email-validation');
    const team = await this.store.teams.get(link.teamId);
    if (!team) throw linkProblem('email-validation', 'invalid');
    return { email: link.email, expiresAt: link.expiresAt, team };
  }

  /**
   * Opening the link: the address becomes validated and the user's sign-in email (single use). The
   * store writes only if the user is still the version read here, whose identifier is the link's
   * address: an identifier change racing the click cannot leave a stale address as sign-in email.
   */
  async validate(secret: unknown): Promise<User> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const link = await this.invitations.checkLink(secret, 'email-validation');
      const user = await this.store.users.get(link.teamId, link.userId);
      if (!user || !isSsoUser(user) || validationAddressOf(user) !== link.email)
        throw linkProblem('email-validation', 'replaced');
      let validated: User | null;
      try {
        validated = await this.store.invitations.validateEmail(link.id, user.version, nowIso());
      } catch (e) {
        if (e instanceof UniqueConstraintError && e.field === 'email')
          throw conflict('email-in-use', `${link.email} is already the sign-in email of another account on this server, so it cannot become yours here. Ask your team administrator: the other account has to give it up first.`);
        throw e;
      }
      if (validated) {
        await this.audit({ teamId: validated.teamId, actor: { type: 'user', id: validated.id, name: link.email }, action: 'user.email_validated', targetType: 'user', targetId: validated.id, details: { invitationId: link.id, email: link.email } });
        return validated;
      }
      // Used, expired or the user changed meanwhile: the next round says which, or tries again.
    }
    throw conflict('busy', 'Your account was being changed while you confirmed; open the link again.');
  }

  private async teamValidates(teamId: string, known?: Team | null): Promise<boolean> {
    const team = known !== undefined ? known : await this.store.teams.get(teamId);
    if (!team?.validateSamlEmails) return false;
    // Only SSO teams: an email/password team's externalId is already proven by its invitation.
    return (await this.store.idps.list(teamId)).length > 0;
  }

  private async userOf(teamId: string, userId: string): Promise<User> {
    const user = await this.store.users.get(teamId, userId);
    if (!user) throw notFound('user-not-found', `No user with id ${userId} in your team.`);
    return user;
  }

  private addressToValidate(user: User): string {
    const address = isSsoUser(user) ? validationAddressOf(user) : null;
    if (address === null)
      throw conflict('no-email-to-validate', isSsoUser(user) ? `This user's identifier (externalId) is not an email address; there is no address to validate.` : 'This user signs in with email and password; their address is confirmed by their invitation, not by email validation.');
    return address;
  }
}
