/**
 * Compiles a SCIM filter AST to a parameterised SQLite WHERE clause over `users u`.
 * Every filter value is a bound parameter; only constant SQL text is inlined.
 *
 * Semantics shared with the MongoDB adapter:
 * - `ne` is NOT `eq`: a missing attribute is "not equal"; on multi-valued attributes no value equals.
 * - `eq null` is NOT `pr`, `ne null` is `pr`.
 * - `not` is two-valued: NULL (missing) counts as false before negation.
 * - Case: ASCII A–Z fold, nothing else (src/store/case-fold.ts); gt/ge/lt/le on SCIM-JSON values
 *   compare binary and only against values of the needle's type.
 */
import type { AttrPath, CompareOp, FilterNode, FilterValue } from '../query';
import {
  describePath,
  foldUserName,
  normaliseColumnValue,
  relativeSegments,
  resolveEmailAttribute,
  resolveUserAttribute,
  scimSegments,
  type EmailField,
  type UserColumn,
} from '../user-attributes';
import { foldCase } from '../case-fold';
import { Sql, q, raw } from './sql';
import { isTextMatch, negate, ordered, ORDERING, textMatch } from './sql-compare';

/** Where an attribute path is resolved: the user row, one `user_emails e` row, or one JSON element. */
type Scope = { kind: 'user' } | { kind: 'email' } | { kind: 'json-element'; base: Sql };

/** One comparable SQL value; JSON-backed values also expose json_type for exact boolean/presence tests. */
interface Operand {
  value: Sql;
  jsonType?: Sql;
  /** A stored lower-cased copy, compared against a lower-cased filter value when caseExact is false. */
  lowered?: Sql;
  /** Stored as 0/1. */
  boolean?: boolean;
  /** How the filter value is folded to compare with `lowered` (default: toLowerCase). */
  fold?: (text: string) => string;
}

/**
 * userName: the directory profile's userName when set, else the handle (strict users). Compared
 * case-insensitively through the stored A–Z-folded key (foldUserName), like the MongoDB adapter.
 */
const USER_NAME_OPERAND: Operand = {
  value: raw('COALESCE(u.user_name, u.handle)'),
  lowered: raw('COALESCE(u.user_name_key, lower(u.handle))'),
  fold: foldUserName,
};

type Test = { kind: 'present' } | { kind: 'compare'; op: Exclude<CompareOp, 'ne'>; value: string | number | boolean; caseExact: boolean };

export const USER_COLUMNS: Record<UserColumn, Sql> = {
  id: raw('u.id'),
  handle: raw('u.handle'),
  externalId: raw('u.external_id'),
  displayName: raw('u.display_name'),
  createdAt: raw('u.created_at'),
  updatedAt: raw('u.updated_at'),
};

const EMAIL_OPERANDS: Record<EmailField, Operand> = {
  value: { value: raw('e.value'), lowered: raw('e.value_lower') },
  type: { value: raw('e.type') },
  primary: { value: raw('e."primary"'), boolean: true },
  display: { value: raw('e.display') },
};

export function compileUserFilter(filter: FilterNode, teamId: string): Sql {
  return new FilterCompiler(teamId).node(filter, { kind: 'user' });
}

/** `$."urn:…:User"."manager"` — keys are validated names, quoted so colons and dots stay inside a key. */
export function jsonPath(segments: readonly string[]): string {
  return `$${segments.map((s) => `."${s}"`).join('')}`;
}

class FilterCompiler {
  constructor(private readonly teamId: string) {}

  node(node: FilterNode, scope: Scope): Sql {
    switch (node.kind) {
      case 'and':
        return q`(${this.node(node.left, scope)} AND ${this.node(node.right, scope)})`;
      case 'or':
        return q`(${this.node(node.left, scope)} OR ${this.node(node.right, scope)})`;
      case 'not':
        return negate(this.node(node.expr, scope));
      case 'present':
        return this.attribute(node.path, { kind: 'present' }, scope);
      case 'compare':
        return this.compare(node.path, node.op, node.value, node.caseExact, scope);
      case 'valuePath':
        if (scope.kind !== 'user') throw new Error(`a value filter cannot be nested inside another (${node.attr})`);
        return this.valuePath(node.attr, node.filter);
    }
  }

  private compare(path: AttrPath, op: CompareOp, value: FilterValue, caseExact: boolean, scope: Scope): Sql {
    if (value === null) {
      if (op === 'eq') return negate(this.attribute(path, { kind: 'present' }, scope));
      if (op === 'ne') return this.attribute(path, { kind: 'present' }, scope);
      throw new Error(`operator ${op} cannot compare ${describePath(path)} with null`);
    }
    if (op === 'ne') return negate(this.attribute(path, { kind: 'compare', op: 'eq', value, caseExact }, scope));
    return this.attribute(path, { kind: 'compare', op, value, caseExact }, scope);
  }

  private attribute(path: AttrPath, test: Test, scope: Scope): Sql {
    if (scope.kind === 'email') return operandTest(EMAIL_OPERANDS[resolveEmailAttribute(path)], test);
    if (scope.kind === 'json-element') {
      const elementPath = q`${scope.base} || ${jsonPath(relativeSegments(path)).slice(1)}`;
      return operandTest(jsonOperand(elementPath), test);
    }
    const attribute = resolveUserAttribute(path);
    switch (attribute.kind) {
      case 'column': {
        if (attribute.column === 'handle') return userNameTest(test, this.teamId);
        // Timestamps have no case: BINARY keeps the (team_id, updated_at)-style indexes usable for ranges.
        const normalised = test.kind === 'compare' ? { ...test, value: normaliseColumnValue(attribute, test.value), caseExact: test.caseExact || attribute.timestamp } : test;
        return operandTest({ value: USER_COLUMNS[attribute.column] }, normalised);
      }
      case 'active':
        return activeTest(test, describePath(path));
      case 'emails':
        return this.emailExists(operandTest(EMAIL_OPERANDS[attribute.field], test));
      case 'scim':
        return multiValuedJsonTest(attribute.segments, attribute.sub, test);
    }
  }

  /** emails[type eq "work" and value co "@acme"]: one email row must satisfy the whole inner filter. */
  private valuePath(attr: string, filter: FilterNode): Sql {
    if (attr === 'emails') return this.emailExists(this.node(filter, { kind: 'email' }));
    const path = jsonPath(scimSegments(attr));
    const inElement = this.node(filter, { kind: 'json-element', base: raw('j.fullkey') });
    const inObject = this.node(filter, { kind: 'json-element', base: q`${path}` });
    return q`(CASE json_type(u.scim, ${path}) WHEN 'array' THEN EXISTS (SELECT 1 FROM json_each(u.scim, ${path}) j WHERE ${inElement}) WHEN 'object' THEN ${inObject} ELSE 0 END)`;
  }

  /** Through the (team_id, value_lower) index rather than a per-row correlated scan. */
  private emailExists(condition: Sql): Sql {
    return q`u.id IN (SELECT e.user_id FROM user_emails e WHERE e.team_id = ${this.teamId} AND (${condition}))`;
  }
}

/**
 * userName eq: through the two unique indexes (a directory user's folded key in the team; a strict
 * user's handle) rather than COALESCE over every user of the team. Other operators use the operand.
 */
function userNameTest(test: Test, teamId: string): Sql {
  if (test.kind !== 'compare' || test.op !== 'eq' || typeof test.value !== 'string' || test.caseExact) return operandTest(USER_NAME_OPERAND, test);
  return q`u.id IN (SELECT k.id FROM users k WHERE k.team_id = ${teamId} AND k.user_name_key = ${foldUserName(test.value)} UNION ALL SELECT h.id FROM users h WHERE h.handle = ${test.value} COLLATE NOCASE AND h.user_name_key IS NULL)`;
}

function jsonOperand(path: Sql): Operand {
  return { value: q`json_extract(u.scim, ${path})`, jsonType: q`json_type(u.scim, ${path})` };
}

/**
 * A JSON attribute may hold one value or an array of them (phoneNumbers, addresses, roles,
 * extension multi-valued attributes): for an array, some element must match.
 */
function multiValuedJsonTest(segments: string[], sub: string | null, test: Test): Sql {
  const attrPath = jsonPath(segments);
  const scalar = operandTest(jsonOperand(q`${jsonPath(sub === null ? segments : [...segments, sub])}`), test);
  // A bare complex element (roles eq "x") means its "value" sub-attribute.
  const elementPath = sub === null ? raw(`(CASE j.type WHEN 'object' THEN j.fullkey || '."value"' ELSE j.fullkey END)`) : q`j.fullkey || ${`."${sub}"`}`;
  const element = operandTest(jsonOperand(elementPath), test);
  return q`(CASE WHEN json_type(u.scim, ${attrPath}) = 'array' THEN EXISTS (SELECT 1 FROM json_each(u.scim, ${attrPath}) j WHERE ${element}) ELSE ${scalar} END)`;
}

function activeTest(test: Test, name: string): Sql {
  if (test.kind === 'present') return raw('1'); // every user is either active or not
  if (test.op !== 'eq' || typeof test.value !== 'boolean') throw new Error(`${name} only supports eq/ne with true or false`);
  return test.value ? raw(`(u.status = 'active')`) : raw(`(u.status <> 'active')`);
}

function operandTest(operand: Operand, test: Test): Sql {
  if (test.kind === 'present') return present(operand);
  const { op, value, caseExact } = test;
  if (typeof value === 'boolean') {
    if (op !== 'eq') throw new Error(`operator ${op} cannot compare booleans`);
    if (operand.jsonType) return q`(${operand.jsonType} = ${value ? 'true' : 'false'})`;
    if (operand.boolean) return q`(${operand.value} = ${value ? 1 : 0})`;
    throw new Error('a boolean cannot be compared with a text attribute');
  }
  const lowered = !caseExact && operand.lowered && typeof value === 'string';
  const target = lowered ? operand.lowered! : operand.value;
  const needle = lowered ? (operand.fold ?? foldCase)(value as string) : value;
  if (isTextMatch(op)) {
    if (typeof needle !== 'string') throw new Error(`operator ${op} needs a string value`);
    return textMatch(target, op, needle, caseExact);
  }
  if (op !== 'eq' && operand.jsonType) {
    // JSON values order only against the needle's type (text > every number in SQLite, never in MongoDB),
    // and binary: the MongoDB adapter has no folded copy of JSON strings to order by.
    const sameType = typeof needle === 'number' ? q`${operand.jsonType} IN ('integer', 'real')` : q`${operand.jsonType} = 'text'`;
    return q`(${sameType} AND ${target} ${raw(ORDERING[op])} ${needle})`;
  }
  // BINARY/NOCASE keeps the (team_id, display_name COLLATE NOCASE)-style indexes usable; a folded stored copy is compared BINARY.
  return ordered(target, op, needle, caseExact || Boolean(lowered));
}

/** Present: not missing, not null, not "", not [] or {} (RFC 7644 §3.4.2.2 "pr"). */
function present(operand: Operand): Sql {
  const { value, jsonType } = operand;
  if (!jsonType) return q`(${value} IS NOT NULL AND ${value} <> '')`;
  return q`COALESCE(CASE ${jsonType} WHEN 'null' THEN 0 WHEN 'text' THEN ${value} <> '' WHEN 'array' THEN ${value} <> '[]' WHEN 'object' THEN ${value} <> '{}' ELSE ${jsonType} IS NOT NULL END, 0)`;
}
