import type { FilterNode } from '../store/query';
import { scimBadRequest } from './errors';

const SUPPORTED = 'filter on groups only as groups.value eq "<group id>" (or groups[value eq "<group id>"]) on its own: users in one group';

function mentionsGroups(node: FilterNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return mentionsGroups(node.left) || mentionsGroups(node.right);
    case 'not':
      return mentionsGroups(node.expr);
    case 'valuePath':
      return node.attr === 'groups';
    default:
      return node.path.attr === 'groups';
  }
}

/**
 * `groups` is not a stored user attribute (memberships live with the groups), so a generic filter
 * on it would silently match nobody. The one question directories ask — who is in group G — is
 * answered from the membership index; any other use of `groups` is a 400 invalidFilter, never an
 * empty list. Returns the group id, or undefined when the filter does not involve groups.
 */
export function groupOfUserFilter(filter: FilterNode): string | undefined {
  if (!mentionsGroups(filter)) return undefined;
  const compare = filter.kind === 'valuePath' ? filter.filter : filter;
  const path = filter.kind === 'valuePath' ? { attr: 'groups', sub: compare.kind === 'compare' ? compare.path.attr : undefined } : compare.kind === 'compare' ? compare.path : null;
  if (
    compare.kind === 'compare' &&
    compare.op === 'eq' &&
    typeof compare.value === 'string' &&
    path?.attr === 'groups' &&
    (path.sub === undefined || path.sub === 'value') &&
    (filter.kind !== 'valuePath' || compare.path.sub === undefined)
  )
    return compare.value;
  throw scimBadRequest('invalidFilter', SUPPORTED);
}
