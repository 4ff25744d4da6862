/**
 * Team → People for the admin pages: the team's people (search and paging) and suspend/reinstate.
 * The rules live here, not in the page: team scoping, who may change whom (managed-by SCIM, self,
 * owners) and the audit entry, written in the same transaction as the status change.
 */
import { AppError, forbidden, notFound } from '../http/errors';
import { VersionConflictError, type Page, type Store, type User, type UserStatus } from '../store/port';
import type { FilterNode } from '../store/query';
import type { Authenticated } from './account-service';
import { isUuid } from '../saml/uuid';

/** displayName co q or userName co q or emails.value co q (case-insensitive). */
export function peopleSearchFilter(q: string): FilterNode {
  const co = (attr: string, sub?: string): FilterNode => ({ kind: 'compare', path: sub ? { attr, sub } : { attr }, op: 'co', value: q, caseExact: false });
  return { kind: 'or', left: { kind: 'or', left: co('displayName'), right: co('userName') }, right: co('emails', 'value') };
}

/** SCIM users only change through their IdP; nobody suspends themselves; only owners suspend owners. */
export function whyNotManageable(actor: User, target: User): string | null {
  if (target.managedBy === 'scim') return `${target.displayName} is managed by your identity provider: change their status there (SCIM "active").`;
  if (target.id === actor.id) return 'You cannot suspend or reinstate yourself.';
  if (target.role === 'owner' && actor.role !== 'owner') return 'Only a team owner can suspend or reinstate an owner.';
  return null;
}

export interface StatusChange {
  from: UserStatus;
  to: UserStatus;
  action: 'user.suspended' | 'user.reinstated';
}

export type StatusChangeResult =
  | { kind: 'changed'; user: User }
  | { kind: 'already'; user: User }
  /** Someone else changed the person since the admin saw the version they sent. */
  | { kind: 'conflict'; user: User };

export class PeopleService {
  constructor(private readonly store: Store) {}

  /** One page of the team's people, by display name; a search with an @ also finds a password account's exact sign-in email. */
  async list(teamId: string, q: string, startIndex: number, count: number): Promise<Page<User>> {
    const result = await this.store.users.list(teamId, { filter: q ? peopleSearchFilter(q) : undefined, sortBy: 'displayName', sortOrder: 'ascending', startIndex, count });
    // The filter's emails.value covers SCIM emails; password accounts' sign-in email is matched exactly.
    if (q.includes('@') && startIndex === 1) {
      const byEmail = await this.store.users.findByEmail(q.toLowerCase());
      if (byEmail?.teamId === teamId && !result.items.some((u) => u.id === byEmail.id)) {
        result.items.unshift(byEmail);
        result.total += 1;
      }
    }
    return result;
  }

  /** Suspend or reinstate; `seenVersion` is the version the admin was shown (else the current one). */
  async changeStatus(viewer: Authenticated, userId: string, change: StatusChange, seenVersion: unknown): Promise<StatusChangeResult> {
    const { team, user: me } = viewer;
    const target = isUuid(userId) ? await this.store.users.get(team.id, userId) : null;
    if (!target) throw notFound('user-not-found', 'This person is no longer in your team. Go back to People and reload the list.');
    const blocked = whyNotManageable(me, target);
    if (blocked) throw forbidden('user-not-manageable', blocked);
    if (target.status !== change.from) return { kind: 'already', user: target };
    const seen = Number(seenVersion);
    const expected = Number.isSafeInteger(seen) && seen > 0 ? seen : target.version;
    const entry = { teamId: team.id, actor: { type: 'user' as const, id: me.id, name: me.email ?? me.handle }, action: change.action, targetType: 'user', targetId: target.id, details: { handle: target.handle, name: target.displayName } };
    let updated: User | null;
    try {
      updated = await this.store.users.update({ ...target, status: change.to }, expected, [entry]);
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
      return { kind: 'conflict', user: target };
    }
    if (!updated) throw new AppError(404, 'user-not-found', 'This person was deleted in the meantime.');
    return { kind: 'changed', user: updated };
  }
}
