/**
 * Handing a password account to the team's SCIM directory (issue 14, item 10). SCIM sees only the
 * users the directory may own (port.ts directoryMayOwn); a password-only owner or admin (managed_by
 * 'manual') is out of its reach until an owner hands them over here. After that the person is
 * managed_by 'scim': the directory lists, changes, suspends and deletes them like any user it created
 * (an owner stays protected from SCIM suspension and deletion, as every owner is).
 *
 * What is kept: the password (they keep signing in with it until the directory suspends or deletes
 * them), role, email and sessions. Their externalId becomes their sign-in email, the shape of an
 * invited user (PRODUCT.md: an email/password team's externalId is the email): the directory finds
 * them with `externalId eq "<email>"`, a PATCH of `active` alone is valid, and an IdP whose NameID is
 * that email signs them in. Irreversible from Gatehouse: only the directory manages them afterwards.
 *
 * The lock-out rule: the team always keeps an owner the directory cannot touch. Only an owner who is
 * still outside the directory may hand anyone over, and never themselves — so that owner remains.
 */
import { AppError, badRequest, conflict, forbidden, notFound } from '../http/errors';
import { isUuid } from '../saml/uuid';
import { directoryMayOwn, UniqueConstraintError, VersionConflictError, type Store, type User } from '../store/port';
import type { Authenticated } from './account-service';

export const HANDED_TO_DIRECTORY = 'user.handed_to_directory';

/** Why this owner may not hand `target` over now, or null. Shown on the People page and in the 4xx. */
export function whyNotHandable(actor: User, target: User): { status: number; label: string; message: string } | null {
  if (actor.role !== 'owner') return { status: 403, label: 'owner-only', message: 'Only a team owner can hand a person to the directory.' };
  if (directoryMayOwn(target)) return { status: 409, label: 'already-in-directory', message: `${target.displayName} is already managed by the directory (SCIM can see and change them).` };
  if (target.id === actor.id)
    return { status: 409, label: 'cannot-hand-over-self', message: 'You cannot hand yourself to the directory: the team must keep an owner the directory cannot suspend or delete. Another owner can hand you over.' };
  if (!directoryMayOwn(actor)) return null;
  return { status: 403, label: 'owner-in-directory', message: 'You are managed by the directory yourself; only an owner outside the directory can hand people over, so the team keeps one.' };
}

export class DirectoryHandover {
  constructor(private readonly store: Store) {}

  /** Hands `userId` to the directory; the audit entry commits with the change. Returns the updated user. */
  async handOver(viewer: Authenticated, userId: string): Promise<User> {
    const { team, user: me } = viewer;
    if (!isUuid(userId)) throw badRequest('invalid-id', 'The user id in the path must be a UUID.');
    const target = await this.store.users.get(team.id, userId);
    if (!target) throw notFound('user-not-found', `No user with id ${userId} in your team.`);
    const refused = whyNotHandable(me, target);
    if (refused) throw new AppError(refused.status, refused.label, refused.message);
    const externalId = target.externalId ?? target.email;
    const entry = {
      teamId: team.id,
      actor: { type: 'user' as const, id: me.id, name: me.email ?? me.handle },
      action: HANDED_TO_DIRECTORY,
      targetType: 'user',
      targetId: target.id,
      details: { handle: target.handle, name: target.displayName, role: target.role, externalId, passwordKept: target.passwordHash !== null },
    };
    try {
      const updated = await this.store.users.update({ ...target, managedBy: 'scim', externalId }, target.version, [entry]);
      if (!updated) throw notFound('user-not-found', 'This person was deleted in the meantime.');
      return updated;
    } catch (error) {
      if (error instanceof VersionConflictError) throw conflict('user-changed', `${target.displayName} was changed by someone else in the meantime; look again and retry.`);
      if (error instanceof UniqueConstraintError && (error.field === 'externalId' || error.field === 'subject'))
        throw conflict('external-id-taken', `The directory already has a user whose externalId or SAML NameID is ${JSON.stringify(externalId)}: delete or change that user in your identity provider first, then hand ${target.displayName} over.`);
      throw error;
    }
  }
}
