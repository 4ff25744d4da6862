import { createHash, X509Certificate } from 'node:crypto';
import type { KeyWrap } from '../secrets/key-wrap';
import type { SpKey, SpKeyState, SpKeyUse, Store } from '../store/port';

/** One SP key as this instance uses it: certificate facts and the opened private key. */
export interface LoadedSpKey {
  id: string;
  use: SpKeyUse;
  state: SpKeyState;
  certPem: string;
  /** DER as one base64 line, as it goes into <ds:X509Certificate>. */
  certBase64: string;
  fingerprintSha256: string;
  notAfter: string;
  createdAt: string;
  activatedAt: string | null;
  privateKeyPem: string;
}

export interface SpKeySet {
  /** The active signing key: AuthnRequests are signed with it. */
  signing: LoadedSpKey;
  /** What every team's SP metadata lists, active first, then staged, then previous. */
  published: { signing: LoadedSpKey[]; encryption: LoadedSpKey[] };
  /** Every encryption key we hold: during a rollover, assertions encrypted to either certificate open. */
  decryption: LoadedSpKey[];
  /** Changes whenever a key is added, changes state or is removed (tests and logs). */
  version: string;
}

export class SpKeysMissingError extends Error {
  constructor() {
    super('the store holds no active SP key pair yet; start the Gatehouse server once (it creates or imports the pair)');
    this.name = 'SpKeysMissingError';
  }
}

/** How long an instance trusts its copy of the keys: a stage/activate/retire elsewhere shows within this. */
export const SP_KEYRING_TTL_MS = 3_000;

const STATE_ORDER: Record<SpKeyState, number> = { active: 0, staged: 1, previous: 2 };

export const spKeySealName = (id: string): string => `sp-key:${id}`;

/**
 * The SP keys from the store, opened with the KEK and kept for a few seconds. Every instance
 * reads the same rows in the same order, so their SP metadata is byte-identical.
 */
export class SpKeyring {
  private cached: { set: SpKeySet; at: number } | null = null;
  private loading: Promise<SpKeySet> | null = null;
  /** Opened keys by id and sealed value: a reload after a state change does not open them again. */
  private readonly opened = new Map<string, LoadedSpKey>();

  constructor(
    private readonly store: Store,
    private readonly wrap: KeyWrap,
    private readonly ttlMs = SP_KEYRING_TTL_MS,
  ) {}

  async current(): Promise<SpKeySet> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.set;
    return this.refresh();
  }

  /** Reads the store now (one read shared by concurrent callers). */
  refresh(): Promise<SpKeySet> {
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  private async load(): Promise<SpKeySet> {
    const rows = await this.store.spKeys.list();
    const keys = rows
      .map((row) => this.open(row))
      .sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    const signing = keys.find((k) => k.use === 'signing' && k.state === 'active');
    if (!signing) throw new SpKeysMissingError();
    const encryption = keys.filter((k) => k.use === 'encryption');
    const set: SpKeySet = {
      signing,
      published: { signing: keys.filter((k) => k.use === 'signing'), encryption },
      decryption: encryption,
      version: createHash('sha256')
        .update(keys.map((k) => `${k.id}:${k.state}`).join(','))
        .digest('hex')
        .slice(0, 16),
    };
    for (const id of this.opened.keys()) if (!rows.some((r) => `${r.id}\n${r.sealedPrivateKey}` === id)) this.opened.delete(id);
    this.cached = { set, at: Date.now() };
    return set;
  }

  private open(row: SpKey): LoadedSpKey {
    const cacheKey = `${row.id}\n${row.sealedPrivateKey}`;
    const known = this.opened.get(cacheKey);
    if (known) return { ...known, state: row.state, activatedAt: row.activatedAt };
    const x509 = new X509Certificate(row.certPem);
    const loaded: LoadedSpKey = {
      id: row.id,
      use: row.use,
      state: row.state,
      certPem: row.certPem,
      certBase64: x509.raw.toString('base64'),
      fingerprintSha256: x509.fingerprint256,
      notAfter: new Date(x509.validTo).toISOString(),
      createdAt: row.createdAt,
      activatedAt: row.activatedAt,
      privateKeyPem: this.wrap.open(row.sealedPrivateKey, spKeySealName(row.id)),
    };
    this.opened.set(cacheKey, loaded);
    return loaded;
  }
}
