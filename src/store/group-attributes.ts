/**
 * Where each SCIM Group attribute lives in the store, shared by both adapters so a Group filter or
 * sortBy means the same thing on SQLite and MongoDB. Members are rows/documents of their own.
 */
import type { AttrPath, FilterNode } from './query';
import { describePath } from './user-attributes';

export type GroupColumn = 'id' | 'displayName' | 'externalId' | 'createdAt' | 'updatedAt';

export type GroupAttribute =
  | { kind: 'column'; column: GroupColumn; caseInsensitive: boolean }
  /** members / members.value: the user id of a membership row. */
  | { kind: 'member' };

const COLUMNS: Record<string, GroupAttribute> = {
  id: { kind: 'column', column: 'id', caseInsensitive: false },
  displayName: { kind: 'column', column: 'displayName', caseInsensitive: true },
  externalId: { kind: 'column', column: 'externalId', caseInsensitive: false },
  'meta.created': { kind: 'column', column: 'createdAt', caseInsensitive: false },
  'meta.lastModified': { kind: 'column', column: 'updatedAt', caseInsensitive: false },
};

export class UnmappableGroupAttributeError extends Error {
  constructor(readonly path: string) {
    super(`groups cannot be filtered or sorted by "${path}"`);
    this.name = 'UnmappableGroupAttributeError';
  }
}

export function resolveGroupAttribute(path: AttrPath): GroupAttribute {
  const name = describePath(path);
  if (Object.hasOwn(COLUMNS, name)) return COLUMNS[name]!;
  if (path.attr === 'members' && (path.sub === undefined || path.sub === 'value')) return { kind: 'member' };
  throw new UnmappableGroupAttributeError(name);
}

/** Inside members[…] only `value` (the user id) is stored; `type` is always "User". */
export function isMemberTypeUserTest(node: FilterNode): boolean {
  return node.kind === 'compare' && node.path.attr === 'type' && node.path.sub === undefined && node.op === 'eq' && typeof node.value === 'string' && node.value.toLowerCase() === 'user';
}

/** Throws UnmappableGroupAttributeError for any path no adapter can answer (checked before querying). */
export function checkGroupFilter(node: FilterNode, inMembers = false): void {
  switch (node.kind) {
    case 'and':
    case 'or':
      checkGroupFilter(node.left, inMembers);
      checkGroupFilter(node.right, inMembers);
      return;
    case 'not':
      checkGroupFilter(node.expr, inMembers);
      return;
    case 'valuePath':
      if (inMembers || node.attr !== 'members') throw new UnmappableGroupAttributeError(`${node.attr}[…]`);
      checkGroupFilter(node.filter, true);
      return;
    case 'present':
    case 'compare':
      if (inMembers) {
        if (node.kind === 'compare' && isMemberTypeUserTest(node)) return;
        if (node.path.attr !== 'value' || node.path.sub !== undefined) throw new UnmappableGroupAttributeError(`members.${describePath(node.path)}`);
        return;
      }
      resolveGroupAttribute(node.path);
      if (node.kind === 'compare' && typeof node.value === 'boolean') throw new UnmappableGroupAttributeError(`${describePath(node.path)} compared with a boolean`);
  }
}

/** "displayName" | "meta.created" … → the attribute, for sorting (members cannot sort). */
export function resolveGroupSort(sortBy: string): GroupAttribute & { kind: 'column' } {
  const dot = sortBy.indexOf('.');
  const path: AttrPath = dot < 0 ? { attr: sortBy } : { attr: sortBy.slice(0, dot), sub: sortBy.slice(dot + 1) };
  const attribute = resolveGroupAttribute(path);
  if (attribute.kind !== 'column') throw new UnmappableGroupAttributeError(sortBy);
  return attribute;
}
