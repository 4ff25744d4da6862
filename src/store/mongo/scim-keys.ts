/**
 * MongoDB cannot query a field whose name contains '.' (extension URNs like "…:enterprise:2.0:User")
 * or starts with '$'. Stored SCIM JSON has such keys replaced by look-alike full-width characters.
 */
const DOT = '\uff0e';
const DOLLAR = '\uff04';

export function encodeKey(key: string): string {
  return key.replaceAll('.', DOT).replace(/^\$/, DOLLAR);
}

export function decodeKey(key: string): string {
  return key.replaceAll(DOT, '.').replace(new RegExp(`^${DOLLAR}`), '$');
}

export function encodeKeys(value: unknown): unknown {
  return mapKeys(value, encodeKey);
}

export function decodeKeys(value: unknown): unknown {
  return mapKeys(value, decodeKey);
}

function mapKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapKeys(v, rename));
  if (!value || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [rename(k), mapKeys(v, rename)]));
}
