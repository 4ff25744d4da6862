/**
 * The SQL pieces of a SCIM comparison, shared by the User and Group filter compilers so both mean
 * the same: `not` that treats NULL as false, co/sw/ew as LIKE (any case) or GLOB (exact case),
 * and ordered comparisons under a collation that keeps the NOCASE indexes usable.
 */
import type { CompareOp } from '../query';
import { Sql, q, raw } from './sql';

export const ORDERING: Record<'eq' | 'gt' | 'ge' | 'lt' | 'le', string> = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' };

/** x IS NOT 1 is true for 0 and NULL: a missing attribute makes `not (…)` true, as in MongoDB's $nor. */
export function negate(condition: Sql): Sql {
  return q`((${condition}) IS NOT 1)`;
}

/** co / sw / ew: GLOB when case matters, else LIKE (ASCII case-insensitive in SQLite). */
export function textMatch(target: Sql, op: 'co' | 'sw' | 'ew', needle: string, caseExact: boolean): Sql {
  const anyBefore = op !== 'sw';
  const anyAfter = op !== 'ew';
  if (caseExact) return q`(${target} GLOB ${(anyBefore ? '*' : '') + escapeGlob(needle) + (anyAfter ? '*' : '')})`;
  return q`(${target} LIKE ${(anyBefore ? '%' : '') + escapeLike(needle) + (anyAfter ? '%' : '')} ESCAPE '\\')`;
}

/** eq / gt / ge / lt / le under BINARY or NOCASE. */
export function ordered(target: Sql, op: Exclude<CompareOp, 'ne' | 'co' | 'sw' | 'ew'>, value: string | number, caseExact: boolean): Sql {
  return q`(${target} ${raw(ORDERING[op])} ${value} COLLATE ${raw(caseExact ? 'BINARY' : 'NOCASE')})`;
}

export const isTextMatch = (op: CompareOp): op is 'co' | 'sw' | 'ew' => op === 'co' || op === 'sw' || op === 'ew';

/** LIKE with ESCAPE '\': %, _ and \ in the value are literal characters. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** GLOB has no escape character: a special character is matched literally inside brackets. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[]/g, (c) => `[${c}]`);
}
