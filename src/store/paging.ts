/** A non-negative integer from caller input; NaN and negatives become 0. */
export function nonNegativeInt(n: number): number {
  return Number.isFinite(n) ? Math.max(0, Math.floor(n)) : 0;
}

/** SCIM paging → offset/limit: a startIndex below 1 means 1 (RFC 7644 §3.4.2.4). */
export function pageWindow(startIndex: number, count: number): { offset: number; limit: number } {
  return { offset: Math.max(1, nonNegativeInt(startIndex)) - 1, limit: nonNegativeInt(count) };
}
