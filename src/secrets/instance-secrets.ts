import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomSecret } from '../crypto';
import type { Store } from '../store/port';
import type { KeyWrap } from './key-wrap';

/** The HMAC key of the double-submit CSRF tokens (src/web/csrf.ts). */
export const CSRF_SECRET_NAME = 'csrf-hmac-key';
/** Where installations from before stored secrets kept that key; imported on first start. */
export const CSRF_KEY_FILE = 'csrf-secret.key';

const sealName = (name: string) => `secret:${name}`;

/**
 * The named secret from the store, created by whichever instance asks first (insert-if-absent,
 * then read back, so racing instances agree). `initial` supplies the value to offer.
 */
export async function ensureInstanceSecret(store: Store, wrap: KeyWrap, name: string, initial: () => Promise<string>): Promise<string> {
  const existing = (await store.secrets.list()).find((s) => s.name === name);
  const stored = existing ?? (await store.secrets.getOrCreate({ name, sealedValue: wrap.seal(await initial(), sealName(name)), createdAt: new Date().toISOString() }));
  return wrap.open(stored.sealedValue, sealName(name));
}

/** The CSRF key: CERTS_DIR/csrf-secret.key when an older installation left one (forms in flight keep working), else 256 random bits. */
export function ensureCsrfSecret(store: Store, wrap: KeyWrap, certsDir: string): Promise<string> {
  return ensureInstanceSecret(store, wrap, CSRF_SECRET_NAME, async () => {
    try {
      const key = (await fs.readFile(path.join(certsDir, CSRF_KEY_FILE), 'utf8')).trim();
      if (key.length >= 32) return key;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return randomSecret(32);
  });
}

/** Re-wraps stored secrets that are plain (a KEK was set since) or under a previous KEK. */
export async function resealInstanceSecrets(store: Store, wrap: KeyWrap): Promise<number> {
  let count = 0;
  for (const secret of await store.secrets.list()) {
    if (!wrap.needsReseal(secret.sealedValue)) continue;
    const name = sealName(secret.name);
    if (await store.secrets.reseal(secret.name, secret.sealedValue, wrap.seal(wrap.open(secret.sealedValue, name), name))) count++;
  }
  return count;
}
