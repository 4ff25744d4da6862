import type { ManagedBy, UserStatus } from '../store/port';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "23 Nov 2026, 12:37 UTC": pages show UTC so every admin and every log line agree. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

export const STATUS_LABELS: Record<UserStatus, string> = { active: 'Active', suspended: 'Suspended', pending: 'Pending invitation' };
export const MANAGED_BY_LABELS: Record<ManagedBy, string> = { scim: 'SCIM', sso: 'SSO', manual: 'Manual' };

/** A path with query parameters; empty values are left out so links stay short. */
export function withQuery(pathname: string, params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${pathname}?${s}` : pathname;
}

/** Audit details as short "key: value" pairs for a table cell. */
export function detailPairs(details: Record<string, unknown>): Array<[string, string]> {
  return Object.entries(details).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}

export const helpers = { time: formatTime, status: STATUS_LABELS, managedBy: MANAGED_BY_LABELS, withQuery, detailPairs };
export type Helpers = typeof helpers;
