/**
 * Compiles a SCIM filter AST to a MongoDB query over `users`, with the same semantics as
 * sqlite/filter-sql.ts: `ne` is NOT `eq` (missing counts as not equal; for multi-valued attributes
 * no value equals), `eq null` is NOT `pr`, `not` is $nor. User input only ever appears as a query
 * value or as an escaped regex, never as an operator or field name.
 *
 * Case: one rule with SQLite (src/store/case-fold.ts): ASCII A–Z fold, nothing else. gt/ge/lt/le on
 * strings kept in the SCIM JSON (name.familyName…) compare binary in both adapters (no shadow to fold);
 * they compare only values of the needle's type (a number never orders against text).
 */
import type { AttrPath, CompareOp, FilterNode, FilterValue } from '../query';
import type { UserQuery } from '../port';
import {
  describePath,
  foldUserName,
  normaliseColumnValue,
  parseAttributePath,
  relativeSegments,
  resolveEmailAttribute,
  resolveUserAttribute,
  scimSegments,
  type EmailField,
  type UserColumn,
} from '../user-attributes';
import { encodeKey } from './scim-keys';
import { escapeRegex, foldCase, foldingPattern } from '../case-fold';

export type MongoQuery = Record<string, unknown>;

/** A queryable field and, when one exists, its lower-cased shadow. */
interface Field {
  path: string;
  lower?: string;
}

type Scope = { kind: 'user' } | { kind: 'email' } | { kind: 'json-element'; prefix: string };
type Test = { kind: 'present' } | { kind: 'compare'; op: Exclude<CompareOp, 'ne'>; value: string | number | boolean; caseExact: boolean };

const COLUMN_FIELDS: Record<UserColumn, Field> = {
  id: { path: '_id' },
  handle: { path: 'handle', lower: 'handleLower' },
  externalId: { path: 'externalId' },
  displayName: { path: 'displayName', lower: 'displayNameLower' },
  createdAt: { path: 'createdAt' },
  updatedAt: { path: 'updatedAt' },
};

const EMAIL_FIELDS: Record<EmailField, Field> = {
  value: { path: 'value', lower: 'valueLower' },
  type: { path: 'type' },
  primary: { path: 'primary' },
  display: { path: 'display' },
};

const ORDERING = { gt: '$gt', ge: '$gte', lt: '$lt', le: '$lte' } as const;

export function compileUserFilterToMongo(filter: FilterNode): MongoQuery {
  return compileNode(filter, { kind: 'user' });
}

/** Sort spec for a user list; createdAt, _id break ties so paging is stable. */
export function compileUserSortToMongo(query: Pick<UserQuery, 'sortBy' | 'sortOrder'>): Record<string, 1 | -1> {
  const sort: Record<string, 1 | -1> = {};
  if (query.sortBy) sort[sortField(query.sortBy)] = query.sortOrder === 'descending' ? -1 : 1;
  if (!Object.hasOwn(sort, 'createdAt')) sort['createdAt'] = 1;
  if (!Object.hasOwn(sort, '_id')) sort['_id'] = 1;
  return sort;
}

/** The computed field a sort by a SCIM-JSON attribute orders by (see sortKeyExpression). */
export const SORT_KEY = '_sortKey';

/**
 * A sort by an attribute kept in the SCIM JSON orders by a computed key, as SQLite does: an array
 * or an object (a multi-valued or complex value) sorts as if missing, where MongoDB would order an
 * array by its smallest/largest element and place objects after every string. Null otherwise.
 */
export function sortKeyExpression(sortBy: string | undefined): Record<string, unknown> | null {
  if (!sortBy) return null;
  const attribute = resolveUserAttribute(parseAttributePath(sortBy));
  // userName: a directory user's folded userName, else the handle (SQLite: COALESCE(user_name_key, lower(handle))).
  if (attribute.kind === 'column' && attribute.column === 'handle') return { $ifNull: ['$userNameKey', '$handleLower'] };
  if (attribute.kind !== 'scim') return null;
  const value = `$${scimPath(attribute.segments, attribute.sub)}`;
  return { $cond: [{ $in: [{ $type: value }, ['array', 'object', 'missing']] }, null, value] };
}

function sortField(sortBy: string): string {
  const attribute = resolveUserAttribute(parseAttributePath(sortBy));
  switch (attribute.kind) {
    case 'column': {
      if (attribute.column === 'handle') return SORT_KEY;
      const field = COLUMN_FIELDS[attribute.column];
      return attribute.caseInsensitive && field.lower ? field.lower : field.path;
    }
    case 'active':
      return 'active';
    case 'emails':
      if (attribute.field !== 'value') throw new Error(`cannot sort by emails.${attribute.field}`);
      return 'sortEmail';
    case 'scim':
      return SORT_KEY;
  }
}

/** "scim.<encoded urn>.manager.value" */
function scimPath(segments: string[], sub: string | null): string {
  return ['scim', ...segments.map(encodeKey), ...(sub === null ? [] : [sub])].join('.');
}

function compileNode(node: FilterNode, scope: Scope): MongoQuery {
  switch (node.kind) {
    case 'and':
      return { $and: [compileNode(node.left, scope), compileNode(node.right, scope)] };
    case 'or':
      return { $or: [compileNode(node.left, scope), compileNode(node.right, scope)] };
    case 'not':
      return { $nor: [compileNode(node.expr, scope)] };
    case 'present':
      return attributeTest(node.path, { kind: 'present' }, scope);
    case 'compare':
      return compare(node.path, node.op, node.value, node.caseExact, scope);
    case 'valuePath':
      if (scope.kind !== 'user') throw new Error(`a value filter cannot be nested inside another (${node.attr})`);
      return valuePath(node.attr, node.filter);
  }
}

function compare(path: AttrPath, op: CompareOp, value: FilterValue, caseExact: boolean, scope: Scope): MongoQuery {
  if (value === null) {
    if (op === 'eq') return { $nor: [attributeTest(path, { kind: 'present' }, scope)] };
    if (op === 'ne') return attributeTest(path, { kind: 'present' }, scope);
    throw new Error(`operator ${op} cannot compare ${describePath(path)} with null`);
  }
  if (op === 'ne') return { $nor: [attributeTest(path, { kind: 'compare', op: 'eq', value, caseExact }, scope)] };
  return attributeTest(path, { kind: 'compare', op, value, caseExact }, scope);
}

function attributeTest(path: AttrPath, test: Test, scope: Scope): MongoQuery {
  if (scope.kind === 'email') return fieldTest(EMAIL_FIELDS[resolveEmailAttribute(path)], test);
  if (scope.kind === 'json-element') return fieldTest({ path: scope.prefix + relativeSegments(path).map(encodeKey).join('.') }, test);
  const attribute = resolveUserAttribute(path);
  switch (attribute.kind) {
    case 'column': {
      if (attribute.column === 'handle') return userNameTest(test);
      const normalised = test.kind === 'compare' ? { ...test, value: normaliseColumnValue(attribute, test.value) } : test;
      return fieldTest(COLUMN_FIELDS[attribute.column], normalised);
    }
    case 'active':
      if (test.kind === 'present') return {};
      if (test.op !== 'eq' || typeof test.value !== 'boolean') throw new Error(`${describePath(path)} only supports eq/ne with true or false`);
      return { active: test.value };
    case 'emails': {
      // Through $elemMatch so "some email is present" matches SQLite's EXISTS, not "every email".
      const inner = fieldTest(EMAIL_FIELDS[attribute.field], test);
      return { emails: { $elemMatch: inner } };
    }
    case 'scim': {
      const field = { path: scimPath(attribute.segments, attribute.sub) };
      if (attribute.sub !== null || test.kind === 'present') return fieldTest(field, test);
      // A bare multi-valued complex attribute (roles eq "x") means its "value" sub-attribute.
      return { $or: [fieldTest(field, test), fieldTest({ path: `${field.path}.value` }, test)] };
    }
  }
}

/**
 * userName: a directory user's userName (folded key userNameKey, foldUserName) when set, else the
 * handle — the same as SQLite's COALESCE(user_name_key, lower(handle)).
 */
function userNameTest(test: Test): MongoQuery {
  if (test.kind === 'present') return {};
  if (test.caseExact || typeof test.value !== 'string') {
    return { $or: [{ $and: [{ userName: { $type: 'string' } }, fieldTest({ path: 'userName' }, test)] }, { $and: [{ userName: null }, fieldTest({ path: 'handle' }, test)] }] };
  }
  const folded = { ...test, value: foldUserName(test.value), caseExact: true };
  return { $or: [{ $and: [{ userNameKey: { $type: 'string' } }, fieldTest({ path: 'userNameKey' }, folded)] }, { $and: [{ userNameKey: null }, fieldTest({ path: 'handleLower' }, folded)] }] };
}

/** addresses[type eq "work"]: one array element must satisfy the whole inner filter; an object is its own element. */
function valuePath(attr: string, filter: FilterNode): MongoQuery {
  if (attr === 'emails') return { emails: { $elemMatch: compileNode(filter, { kind: 'email' }) } };
  const path = scimPath(scimSegments(attr), null);
  return {
    $or: [
      { [path]: { $elemMatch: compileNode(filter, { kind: 'json-element', prefix: '' }) } },
      { $and: [{ [path]: { $type: 'object' } }, { [path]: { $not: { $type: 'array' } } }, compileNode(filter, { kind: 'json-element', prefix: `${path}.` })] },
    ],
  };
}

function fieldTest(field: Field, test: Test): MongoQuery {
  if (test.kind === 'present') return present(field.path);
  const { op, value, caseExact } = test;
  if (typeof value === 'boolean') {
    if (op !== 'eq') throw new Error(`operator ${op} cannot compare booleans`);
    return { [field.path]: value };
  }
  const useLower = !caseExact && field.lower !== undefined && typeof value === 'string';
  const path = useLower ? field.lower! : field.path;
  const needle = useLower ? foldCase(value as string) : value;
  // No folded shadow: the pattern folds ASCII letters itself (never the server's Unicode-aware `i`).
  const ignoreCase = !caseExact && !useLower && typeof value === 'string';
  if (op === 'co' || op === 'sw' || op === 'ew') {
    if (typeof needle !== 'string') throw new Error(`operator ${op} needs a string value`);
    const literal = ignoreCase ? foldingPattern(needle) : escapeRegex(needle);
    return { [path]: { $regex: (op === 'sw' ? '^' : '') + literal + (op === 'ew' ? '$' : '') } };
  }
  if (op === 'eq') return { [path]: ignoreCase ? { $regex: `^${foldingPattern(needle as string)}$` } : needle };
  return { [path]: { [ORDERING[op]]: needle } };
}

/**
 * Some value is present, as SQLite's present(): a number, boolean or date, a non-empty string, a
 * non-empty object, or a non-empty array (whatever its elements).
 */
function present(path: string): MongoQuery {
  return {
    $or: [
      { [path]: { $type: ['double', 'int', 'long', 'decimal', 'bool', 'date'] } },
      { [path]: { $regex: '.', $options: 's' } },
      { $and: [{ [path]: { $type: 'object', $ne: {} } }, { [path]: { $not: { $type: 'array' } } }] },
      { [path]: { $type: 'array', $ne: [] } },
    ],
  };
}
