/**
 * Group-managed roles: with the team setting on, membership in these groups sets a user's role.
 * Owner is deliberately not grantable (docs/DECISIONS.md "Group-managed roles"): ownership is a
 * billing/legal role and the last owner must never be removable by a directory sync.
 */
import { randomUUID } from 'node:crypto';
import type { NewGroup, Role } from '../store/port';

export const ROLE_GROUPS: ReadonlyArray<{ role: Exclude<Role, 'owner'>; displayName: string }> = [
  { role: 'admin', displayName: 'Gatehouse Admins' },
  { role: 'member', displayName: 'Gatehouse Members' },
];

export function roleGroupsFor(teamId: string): NewGroup[] {
  return ROLE_GROUPS.map(({ role, displayName }) => ({ id: randomUUID(), teamId, displayName, externalId: null, roleGranted: role }));
}
