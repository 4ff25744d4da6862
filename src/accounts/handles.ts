import type { Store } from '../store/port';

export const HANDLE_PATTERN = /^[a-z0-9_.-]{2,256}$/;

/** A valid handle from free text (an email's local part, a NameID, a name). */
export function handleBase(text: string): string {
  const base = text
    .toLowerCase()
    .split('@')[0]!
    .normalize('NFKD')
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 200);
  return base.length >= 2 ? base : `user-${base}`.replace(/-$/, '');
}

/** First free handle among base, base-2, base-3… (uniqueness is still enforced by the store). */
export async function uniqueHandle(store: Store, text: string): Promise<string> {
  const base = handleBase(text);
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!(await store.users.findByHandle(candidate))) return candidate;
  }
  return `${base}-${Date.now().toString(36)}`;
}
