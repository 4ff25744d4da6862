/** Builders for store contract tests: teams, users and filter ASTs without boilerplate. */
import { randomUUID } from 'node:crypto';
import type { NewUser, Team } from '../../src/store/port';
import type { AttrPath, CompareOp, FilterNode, FilterValue } from '../../src/store/query';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const WIRE_PROFILE = 'urn:wire:scim:schemas:profile:1.0';

/** Short random text: keeps instance-unique values (handles, emails) apart between tests on one store. */
export function uniqueSuffix(): string {
  return randomUUID().slice(0, 8);
}

export function newTeam(overrides: Partial<Team> = {}): Team {
  return { id: randomUUID(), name: `Team ${uniqueSuffix()}`, createdAt: new Date().toISOString(), groupManagedRoles: false, validateSamlEmails: false, scimProfile: 'strict', ...overrides };
}

export function newUser(teamId: string, overrides: Partial<NewUser> = {}): NewUser {
  const suffix = uniqueSuffix();
  return {
    id: randomUUID(),
    teamId,
    handle: `user.${suffix}`,
    email: null,
    displayName: `User ${suffix}`,
    role: 'member',
    status: 'active',
    managedBy: 'scim',
    externalId: null,
    passwordHash: null,
    idpId: null,
    nameId: null,
    scim: {},
    ...overrides,
  };
}

/** "name.givenName" → {attr, sub}; extension URNs keep their dots: `${ENTERPRISE}:manager.value`. */
export function attrPath(text: string): AttrPath {
  const start = text.startsWith('urn:') ? text.lastIndexOf(':') : 0;
  const dot = text.indexOf('.', start);
  return dot < 0 ? { attr: text } : { attr: text.slice(0, dot), sub: text.slice(dot + 1) };
}

export function cmp(path: string, op: CompareOp, value: FilterValue, caseExact = false): FilterNode {
  return { kind: 'compare', path: attrPath(path), op, value, caseExact };
}

export function pr(path: string): FilterNode {
  return { kind: 'present', path: attrPath(path) };
}

export function and(left: FilterNode, right: FilterNode): FilterNode {
  return { kind: 'and', left, right };
}

export function or(left: FilterNode, right: FilterNode): FilterNode {
  return { kind: 'or', left, right };
}

export function not(expr: FilterNode): FilterNode {
  return { kind: 'not', expr };
}

/** emails[type eq "work"] — `filter`'s paths are relative to `attr`. */
export function where(attr: string, filter: FilterNode): FilterNode {
  return { kind: 'valuePath', attr, filter };
}

export function minutesFrom(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}
