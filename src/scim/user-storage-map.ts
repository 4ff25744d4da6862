/**
 * Where each canonical User attribute path lives in the stored User (src/store/port.ts), for the
 * store adapters compiling a FilterNode or sortBy. One table, so SQL and MongoDB agree.
 */
import type { AttrPath } from '../store/query';
import { findAttributeDef, resourceKeys } from './attr-path';
import { USER_RESOURCE_TYPE } from './resource-types';

export type UserAttrLocation =
  /** A column of User. `active` maps to status: active ⇔ status === 'active'. */
  | { kind: 'column'; column: 'id' | 'handle' | 'displayName' | 'externalId' | 'createdAt' | 'updatedAt' | 'version' }
  | { kind: 'active' }
  /** Inside User.scim: follow `keys`; when `multiValued`, the first key holds an array of values. */
  | { kind: 'scim'; keys: string[]; multiValued: boolean }
  /** The user's groups (membership rows); `sub` is value (group id) or display. */
  | { kind: 'groups'; sub?: string }
  /** Known to the schema but not stored in a queryable form (meta.location, meta.resourceType, schemas). */
  | { kind: 'unsupported' };

export function userAttrLocation(path: AttrPath): UserAttrLocation {
  switch (path.attr) {
    case 'id':
      return { kind: 'column', column: 'id' };
    case 'userName':
      return { kind: 'column', column: 'handle' };
    case 'displayName':
      return { kind: 'column', column: 'displayName' };
    case 'externalId':
      return { kind: 'column', column: 'externalId' };
    case 'active':
      return { kind: 'active' };
    case 'groups':
      return path.sub === undefined ? { kind: 'groups' } : { kind: 'groups', sub: path.sub };
    case 'meta':
      if (path.sub === 'created') return { kind: 'column', column: 'createdAt' };
      if (path.sub === 'lastModified') return { kind: 'column', column: 'updatedAt' };
      return { kind: 'unsupported' };
    case 'schemas':
      return { kind: 'unsupported' };
  }
  const def = findAttributeDef(USER_RESOURCE_TYPE, path.attr);
  return { kind: 'scim', keys: resourceKeys(path), multiValued: def?.multiValued ?? false };
}
