/**
 * Turns a Group PATCH into a membership plan the store applies as row inserts/deletes, so adding
 * 5,000 members never rewrites a member list. Folding keeps the request's order: "remove all, then
 * add" and "add x, then remove x" mean what they say. O(n) in the number of member references.
 *
 * Applying a plan:
 *   if (plan.replace !== null) members = plan.replace
 *   else { if (plan.removeAll) members = {}; members -= plan.remove; members += plan.add }
 * then displayName / externalId when present (externalId null clears it).
 */
import type { FilterNode } from '../store/query';
import { scimBadRequest, withDetailPrefix } from './errors';
import { isObject } from './filter-eval';
import { formatFilter } from './filter-format';
import { parsePatchPath, type PatchPath } from './filter';
import { readMemberRef } from './group-input';
import { parsePatchRequest, type PatchOperation, type PatchOpName } from './patch-request';
import { GROUP_RESOURCE_TYPE } from './resource-types';
import { describe } from './values';
import { isMemberTypeUserTest } from '../store/group-attributes';
import type { MemberPlan } from '../store/port';

/** What a PATCH does to a group's members and attributes: the store's MemberPlan (src/store/port.ts). */
export type GroupMemberPlan = MemberPlan;

export interface PlanOptions {
  /** The group's id: a path-less replace that repeats it (Okta) is accepted, a different one refused. */
  groupId?: string;
}

class PlanBuilder {
  private base: 'current' | 'empty' = 'current';
  private replaced = false;
  private readonly add = new Set<string>();
  private readonly remove = new Set<string>();
  displayName?: string;
  externalId?: string | null;

  addMembers(ids: string[]): void {
    for (const id of ids) {
      this.add.add(id);
      this.remove.delete(id);
    }
  }

  removeMembers(ids: string[]): void {
    for (const id of ids) {
      this.add.delete(id);
      if (this.base === 'current') this.remove.add(id);
    }
  }

  removeAll(): void {
    this.base = 'empty';
    this.add.clear();
    this.remove.clear();
  }

  replaceMembers(ids: string[]): void {
    this.removeAll();
    this.replaced = true;
    this.addMembers(ids);
  }

  build(): GroupMemberPlan {
    const plan: GroupMemberPlan = this.replaced
      ? { add: [], remove: [], removeAll: false, replace: [...this.add] }
      : { add: [...this.add], remove: [...this.remove], removeAll: this.base === 'empty', replace: null };
    if (this.displayName !== undefined) plan.displayName = this.displayName;
    if (this.externalId !== undefined) plan.externalId = this.externalId;
    return plan;
  }
}

/** Plans a Group PatchOp body as received. Throws ScimError (400) naming the failing operation. */
export function planGroupMemberPatch(body: unknown, options: PlanOptions = {}): GroupMemberPlan {
  return planGroupMemberOperations(parsePatchRequest(body), options);
}

/** The same, for operations already read with parsePatchRequest. */
export function planGroupMemberOperations(operations: PatchOperation[], options: PlanOptions = {}): GroupMemberPlan {
  const builder = new PlanBuilder();
  operations.forEach((operation, index) => {
    const where = `Operation ${index + 1} (${operation.op}${operation.path !== undefined ? ` ${operation.path}` : ''})`;
    try {
      if (operation.path !== undefined) {
        applyToPath(builder, operation.op, parsePatchPath(operation.path, GROUP_RESOURCE_TYPE), operation.value, 'value' in operation, options);
        return;
      }
      if (operation.op === 'remove') throw scimBadRequest('noTarget', 'remove needs a "path", e.g. members[value eq "<user id>"]');
      if (!isObject(operation.value)) {
        throw scimBadRequest('invalidValue', `without a "path", the value must be an object such as {"displayName": "…"}, got ${describe(operation.value)}`);
      }
      for (const [key, value] of Object.entries(operation.value)) {
        if (key.toLowerCase() === 'schemas') continue;
        applyToPath(builder, operation.op, parsePatchPath(key, GROUP_RESOURCE_TYPE), value, true, options);
      }
    } catch (error) {
      throw withDetailPrefix(error, `${where}: `);
    }
  });
  return builder.build();
}

function applyToPath(builder: PlanBuilder, op: PatchOpName, target: PatchPath, value: unknown, hasValue: boolean, options: PlanOptions): void {
  if (target.kind !== 'attr') throw scimBadRequest('invalidPath', 'groups have no extension schemas');
  const { top, sub, filter } = target;
  const name = top.def.name;
  if (name === 'id' && !sub && !filter && op !== 'remove' && (options.groupId === undefined || value === options.groupId)) return;
  if (top.def.mutability === 'readOnly') throw scimBadRequest('mutability', `${name} is read-only and cannot be changed`);

  if (name === 'displayName' && !sub && !filter) {
    if (op === 'remove' || value === null) throw scimBadRequest('mutability', 'displayName is required and cannot be removed');
    if (typeof value !== 'string' || [...value].length < 1 || [...value].length > 256) {
      throw scimBadRequest('invalidValue', `displayName must be a string of 1 to 256 characters, got ${describe(value)}`);
    }
    builder.displayName = value;
    return;
  }
  if (name === 'externalId' && !sub && !filter) {
    if (op === 'remove' || value === null) builder.externalId = null;
    else if (typeof value === 'string') builder.externalId = value;
    else throw scimBadRequest('invalidValue', `externalId must be a string, got ${describe(value)}`);
    return;
  }
  if (name !== 'members') throw scimBadRequest('invalidPath', `unsupported path for a group: ${name}`);
  if (sub) throw scimBadRequest('mutability', `members.${sub.name} cannot be changed in place; add or remove the member instead`);

  if (filter) {
    if (op !== 'remove') throw scimBadRequest('invalidPath', `to ${op} members, use "path": "members" with a list of {"value": "<user id>"}`);
    builder.removeMembers(memberIdsOf(filter));
    return;
  }
  switch (op) {
    case 'add':
      builder.addMembers(readMemberList(value));
      return;
    case 'replace':
      builder.replaceMembers(readMemberList(value));
      return;
    case 'remove':
      // Okta and Entra ID send the members to remove as a value list; without one, all go.
      if (hasValue && value !== null && value !== undefined) builder.removeMembers(readMemberList(value));
      else builder.removeAll();
  }
}

function readMemberList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  // Clients also send a bare user id, or a list of them, instead of {"value": id}.
  return items.map((item, i) => (typeof item === 'string' && item.trim() !== '' ? item : readMemberRef(item, `members[${i}]`)));
}

/** The ids a member filter selects: value eq "id", joined by or (optionally "and type eq \"User\""). */
function memberIdsOf(filter: FilterNode): string[] {
  if (filter.kind === 'or') return [...memberIdsOf(filter.left), ...memberIdsOf(filter.right)];
  if (filter.kind === 'and') {
    if (isMemberTypeUserTest(filter.right)) return memberIdsOf(filter.left);
    if (isMemberTypeUserTest(filter.left)) return memberIdsOf(filter.right);
  }
  if (filter.kind === 'compare' && filter.path.attr === 'value' && filter.op === 'eq' && typeof filter.value === 'string') return [filter.value];
  throw scimBadRequest('invalidPath', `only members[value eq "<user id>"] filters are supported for removing members, got members[${formatFilter(filter)}]`);
}
