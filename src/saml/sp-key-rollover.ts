import { X509Certificate } from 'node:crypto';
import type { Auditor } from '../accounts/audit';
import { AppError } from '../http/errors';
import type { KeyWrap } from '../secrets/key-wrap';
import type { AuditActor, SpKey, Store } from '../store/port';
import { ensureSpKeys, newSpKeyPair, type SpKeyOptions } from './sp-key-setup';
import type { SpKeyring } from './sp-keyring';

/** The active certificate's expiry is announced this long ahead (SSO page, `sp-keys status`). */
export const EXPIRY_WARNING_DAYS = 30;

export interface SpCertificateView {
  id: string;
  use: SpKey['use'];
  state: SpKey['state'];
  fingerprint_sha256: string;
  subject: string;
  not_after: string;
  days_left: number;
  created_at: string;
  activated_at: string | null;
}

export interface SpKeyStatus {
  keys: SpCertificateView[];
  /** Where the rollover stands and what the operator does next. */
  phase: 'steady' | 'staged' | 'activated';
  next_step: string;
  warnings: string[];
}

const STATE_ORDER: Record<SpKey['state'], number> = { active: 0, staged: 1, previous: 2 };
const DAY_MS = 86_400_000;

const NEXT_STEPS: Record<SpKeyStatus['phase'], string> = {
  steady: 'To roll the SP keys over: `gatehouse sp-keys stage`, then let every IdP read the SP metadata again (docs/idp-guides).',
  staged: 'The next pair is published beside the current one. Once every IdP has read the SP metadata again: `gatehouse sp-keys activate`.',
  activated: 'AuthnRequests are signed with the new key; assertions encrypted to the old certificate still open. Once every IdP encrypts to the new certificate: `gatehouse sp-keys retire`.',
};

function view(key: SpKey, now: number): SpCertificateView {
  const x509 = new X509Certificate(key.certPem);
  const notAfter = new Date(x509.validTo);
  return {
    id: key.id,
    use: key.use,
    state: key.state,
    fingerprint_sha256: x509.fingerprint256,
    subject: x509.subject.replace(/\n/g, ', '),
    not_after: notAfter.toISOString(),
    days_left: Math.floor((notAfter.getTime() - now) / DAY_MS),
    created_at: key.createdAt,
    activated_at: key.activatedAt,
  };
}

/**
 * SP key rollover without downtime: stage (publish the next pair beside the current one) →
 * activate (sign with it; both still decrypt) → retire (drop the old pair). Each step is one store
 * transaction; running instances see it within SP_KEYRING_TTL_MS, and this process at once.
 */
export class SpKeyRollover {
  constructor(
    private readonly store: Store,
    private readonly wrap: KeyWrap,
    private readonly keyring: SpKeyring,
    private readonly certsDir: string,
    private readonly audit: Auditor,
  ) {}

  async status(now = new Date()): Promise<SpKeyStatus> {
    const keys = (await this.store.spKeys.list()).sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.use.localeCompare(b.use)).map((k) => view(k, now.getTime()));
    const phase: SpKeyStatus['phase'] = keys.some((k) => k.state === 'staged') ? 'staged' : keys.some((k) => k.state === 'previous') ? 'activated' : 'steady';
    const warnings = keys
      .filter((k) => k.state === 'active' && k.days_left < EXPIRY_WARNING_DAYS)
      .map((k) =>
        k.days_left < 0
          ? `The active SP ${k.use} certificate expired on ${k.not_after.slice(0, 10)}; roll the keys over (gatehouse sp-keys stage).`
          : `The active SP ${k.use} certificate expires on ${k.not_after.slice(0, 10)} (in ${k.days_left} days); roll the keys over (gatehouse sp-keys stage).`,
      );
    return { keys, phase, next_step: NEXT_STEPS[phase], warnings };
  }

  async stage(actor: AuditActor, options: SpKeyOptions = {}): Promise<SpKeyStatus> {
    await ensureSpKeys(this.store, this.wrap, this.certsDir, options);
    const next = await newSpKeyPair(this.wrap, 'staged', options);
    const outcome = await this.store.spKeys.stage(next);
    if (outcome === 'already-staged') throw new AppError(409, 'sp-keys-already-staged', 'A next key pair is already staged; activate it (gatehouse sp-keys activate) or see gatehouse sp-keys status.');
    if (outcome === 'previous-not-retired') throw new AppError(409, 'sp-keys-previous-not-retired', 'The previous key pair is still published; retire it first (gatehouse sp-keys retire).');
    return this.after(actor, 'sp-keys.staged', next);
  }

  async activate(actor: AuditActor): Promise<SpKeyStatus> {
    const outcome = await this.store.spKeys.activate(new Date().toISOString());
    if (outcome === 'nothing-staged') throw new AppError(409, 'sp-keys-nothing-staged', 'There is no staged key pair to activate; stage one first (gatehouse sp-keys stage).');
    if (outcome === 'previous-not-retired') throw new AppError(409, 'sp-keys-previous-not-retired', 'The previous key pair is still published; retire it first (gatehouse sp-keys retire).');
    return this.after(actor, 'sp-keys.activated', (await this.store.spKeys.list()).filter((k) => k.state === 'active'));
  }

  async retire(actor: AuditActor): Promise<SpKeyStatus> {
    const previous = (await this.store.spKeys.list()).filter((k) => k.state === 'previous');
    if ((await this.store.spKeys.retire()) === 'nothing-to-retire') {
      throw new AppError(409, 'sp-keys-nothing-to-retire', 'There is no previous key pair to retire (retire follows activate).');
    }
    return this.after(actor, 'sp-keys.retired', previous);
  }

  private async after(actor: AuditActor, action: string, keys: SpKey[]): Promise<SpKeyStatus> {
    const now = Date.now();
    await this.audit({ teamId: null, actor, action, targetType: 'sp-keys', targetId: null, details: { keys: keys.map((k) => ({ id: k.id, use: k.use, fingerprint: view(k, now).fingerprint_sha256 })) } });
    await this.keyring.refresh();
    return this.status();
  }
}
