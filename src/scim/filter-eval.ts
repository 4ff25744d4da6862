/**
 * Evaluates a FilterNode against one resource JSON in memory (PATCH value paths, Group member
 * filters, tests). Semantics shared with the store adapters (docs/DECISIONS-scim.md):
 * a multi-valued attribute matches when any value matches; `ne` is the negation of `eq` (so a
 * missing attribute is "ne" anything); `eq null` means "not present"; strings compare folded to
 * lower case (ASCII letters only, the stores' rule: src/store/case-fold.ts) unless the attribute is
 * caseExact; timestamps compare chronologically.
 */
import type { AttrPath, CompareOp, FilterNode, FilterValue } from '../store/query';
import { foldCase } from '../store/case-fold';
import { resourceKeys } from './attr-path';
import { ISO_DATE } from './values';


export function matchesFilter(node: FilterNode, resource: unknown): boolean {
  switch (node.kind) {
    case 'and':
      return matchesFilter(node.left, resource) && matchesFilter(node.right, resource);
    case 'or':
      return matchesFilter(node.left, resource) || matchesFilter(node.right, resource);
    case 'not':
      return !matchesFilter(node.expr, resource);
    case 'present':
      return valuesAt(resource, node.path).some(isPresent);
    case 'valuePath':
      return valuesAt(resource, { attr: node.attr }).some((element) => isObject(element) && matchesFilter(node.filter, element));
    case 'compare': {
      const values = valuesAt(resource, node.path).filter(isPresent);
      if (node.value === null) return node.op === 'ne' ? values.length > 0 : node.op === 'eq' && values.length === 0;
      if (node.op === 'ne') return !values.some((v) => compare(v, 'eq', node.value, node.caseExact));
      return values.some((v) => compare(v, node.op, node.value, node.caseExact));
    }
  }
}

/** Every value at `path`, multi-valued attributes flattened. Keys match case-insensitively. */
export function valuesAt(resource: unknown, path: AttrPath): unknown[] {
  let current: unknown[] = [resource];
  for (const key of resourceKeys(path)) {
    const next: unknown[] = [];
    for (const item of current) {
      for (const element of Array.isArray(item) ? item : [item]) {
        if (!isObject(element)) continue;
        const value = getKey(element, key);
        if (value === undefined) continue;
        if (Array.isArray(value)) next.push(...value);
        else next.push(value);
      }
    }
    current = next;
  }
  return current;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** obj[key] with the key matched case-insensitively (exact spelling first). */
export function getKey(obj: Record<string, unknown>, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, key)) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

/** RFC 7644 §3.4.2.2 "pr": a non-empty value, or a complex value with a non-empty node. */
export function isPresent(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return false;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isObject(value)) return Object.values(value).some(isPresent);
  return true;
}

function compare(actual: unknown, op: CompareOp, expected: FilterValue, caseExact: boolean): boolean {
  if (typeof expected === 'boolean') return op === 'eq' && actual === expected;
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return false;
    return ordered(actual, op, expected);
  }
  if (typeof expected !== 'string') return false;
  if (typeof actual !== 'string' && typeof actual !== 'number') return false;
  let a = String(actual);
  let e = expected;
  if (op !== 'co' && op !== 'sw' && op !== 'ew' && ISO_DATE.test(a) && ISO_DATE.test(e)) {
    const ta = Date.parse(a);
    const te = Date.parse(e);
    if (!Number.isNaN(ta) && !Number.isNaN(te)) return ordered(ta, op, te);
  }
  if (!caseExact) {
    a = foldCase(a);
    e = foldCase(e);
  }
  switch (op) {
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    default:
      return ordered(a, op, e);
  }
}

function ordered<T extends string | number>(a: T, op: CompareOp, e: T): boolean {
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    case 'le':
      return a <= e;
    default:
      return false;
  }
}
