import { randomUUID, X509Certificate } from 'node:crypto';
import type { KeyWrap } from '../secrets/key-wrap';
import type { SpKey, SpKeyState, SpKeyUse, Store } from '../store/port';
import { spKeySealName } from './sp-keyring';
import { createSelfSignedCertificateAsync, readSpKeyFiles, type KeyAndCertificate } from './sp-keys';

export interface SpKeyOptions {
  bits?: number;
  validityDays?: number;
}

const COMMON_NAMES: Record<SpKeyUse, string> = { signing: 'Gatehouse SAML SP signing', encryption: 'Gatehouse SAML SP encryption' };

function toRecord(wrap: KeyWrap, use: SpKeyUse, state: SpKeyState, pair: KeyAndCertificate, now: string): SpKey {
  const id = randomUUID();
  return { id, use, state, certPem: pair.certPem, sealedPrivateKey: wrap.seal(pair.privateKeyPem, spKeySealName(id)), createdAt: now, activatedAt: state === 'active' ? now : null };
}

/** A new signing + encryption pair (generated in parallel on the thread pool), sealed for the store. */
export async function newSpKeyPair(wrap: KeyWrap, state: SpKeyState, options: SpKeyOptions = {}, signing?: KeyAndCertificate): Promise<SpKey[]> {
  const now = new Date().toISOString();
  const make = (use: SpKeyUse) => createSelfSignedCertificateAsync({ commonName: COMMON_NAMES[use], ...options });
  const [signingPair, encryptionPair] = await Promise.all([signing ? Promise.resolve(signing) : make('signing'), make('encryption')]);
  return [toRecord(wrap, 'signing', state, signingPair, now), toRecord(wrap, 'encryption', state, encryptionPair, now)];
}

export interface SpKeySetup {
  /** What this start did: nothing (keys were there), imported CERTS_DIR's pair, or generated a new one. */
  outcome: 'existing' | 'imported' | 'generated';
  signingFingerprint: string;
}

/**
 * First start, race-safe across instances: if the store has no active pair, make one — the
 * signing pair from CERTS_DIR when an older installation left one there (IdPs keep trusting
 * that certificate), a new encryption pair — and insert it unless another instance was faster;
 * then use whatever the store holds.
 */
export async function ensureSpKeys(store: Store, wrap: KeyWrap, certsDir: string, options: SpKeyOptions = {}): Promise<SpKeySetup> {
  const stored = (await store.spKeys.list()).filter((k) => k.state === 'active');
  const fingerprintOf = (keys: SpKey[]) => new X509Certificate(keys.find((k) => k.use === 'signing')!.certPem).fingerprint256;
  if (stored.some((k) => k.use === 'signing')) return { outcome: 'existing', signingFingerprint: fingerprintOf(stored) };
  const fromFiles = await readSpKeyFiles(certsDir);
  const ours = await newSpKeyPair(wrap, 'active', options, fromFiles ?? undefined);
  const winners = await store.spKeys.createActiveIfAbsent(ours);
  const won = winners.some((k) => k.id === ours[0]!.id);
  return { outcome: won ? (fromFiles ? 'imported' : 'generated') : 'existing', signingFingerprint: fingerprintOf(winners) };
}

/** Re-wraps stored private keys that are plain (a KEK was set since) or under a previous KEK. */
export async function resealSpKeys(store: Store, wrap: KeyWrap): Promise<number> {
  let count = 0;
  for (const key of await store.spKeys.list()) {
    if (!wrap.needsReseal(key.sealedPrivateKey)) continue;
    const name = spKeySealName(key.id);
    if (await store.spKeys.reseal(key.id, key.sealedPrivateKey, wrap.seal(wrap.open(key.sealedPrivateKey, name), name))) count++;
  }
  return count;
}
