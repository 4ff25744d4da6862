import type { Logger } from 'pino';
import type { Auditor } from '../accounts/audit';
import type { Config } from '../config';
import type { AuditActor, IdentityProvider, Store } from '../store/port';
import { certificateBody } from './certificates';
import { tryLoadMetadata } from './idp-metadata-source';
import { sameCerts } from './idp-service';

const SYSTEM: AuditActor = { type: 'system', id: null, name: 'metadata-refresh' };
const HOUR_MS = 3600_000;

export interface RefreshOutcome {
  idpId: string;
  result: 'refreshed' | 'unchanged' | 'failed' | 'skipped';
  error?: string;
}

/**
 * Re-fetches metadata URLs every METADATA_REFRESH_HOURS so certificate rollover is picked up.
 * Safe with several instances: per IdP and interval slot, a store-backed lease (an atomic
 * insert in the shared replay cache) lets exactly one instance fetch. A failed or invalid
 * fetch keeps the old metadata; the error is stored on the IdP, logged and audited.
 */
export class MetadataRefresher {
  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly audit: Auditor,
    private readonly logger: Logger,
  ) {}

  get intervalMs(): number {
    return this.config.metadataRefreshHours * HOUR_MS;
  }

  /** One round: every IdP whose metadata is older than the interval (tests call this with a future `now`). */
  async refreshDue(now: Date = new Date()): Promise<RefreshOutcome[]> {
    if (this.intervalMs <= 0) return [];
    const outcomes: RefreshOutcome[] = [];
    for (const idp of await this.store.idps.listWithMetadataUrl()) {
      const last = Date.parse(idp.metadataRefreshedAt ?? idp.updatedAt);
      if (now.getTime() - last < this.intervalMs) continue;
      const slot = Math.floor(now.getTime() / this.intervalMs);
      const leaseExpires = new Date((slot + 1) * this.intervalMs + HOUR_MS).toISOString();
      if (!(await this.store.replayCache.remember(`lease:metadata-refresh:${idp.id}:${slot}`, leaseExpires))) {
        outcomes.push({ idpId: idp.id, result: 'skipped' });
        continue;
      }
      outcomes.push(await this.refreshOne(idp, now));
    }
    return outcomes;
  }

  async refreshOne(idp: IdentityProvider, now: Date = new Date()): Promise<RefreshOutcome> {
    const at = now.toISOString();
    const loaded = await tryLoadMetadata({ kind: 'url', url: idp.metadataUrl! }, { allowInsecure: this.config.allowInsecureMetadataUrls });
    let error: string | null = null;
    if ('error' in loaded) error = loaded.error;
    else if (loaded.parsed.entityId !== idp.entityId)
      error = `the document at the metadata URL now describes entityID ${loaded.parsed.entityId}, not ${idp.entityId}; upload it as a new identity provider (with ?replaces=${idp.id}) if that is intended`;

    // Re-read just before writing: an admin's PUT since we started wins over this round.
    const current = await this.store.idps.get(idp.teamId, idp.id);
    if (!current || current.metadataUrl !== idp.metadataUrl || current.updatedAt !== idp.updatedAt) return { idpId: idp.id, result: 'skipped' };

    if (error !== null || 'error' in loaded) {
      await this.store.idps.update({ ...current, metadataRefreshError: error, updatedAt: at });
      this.logger.warn({ idpId: idp.id, teamId: idp.teamId, error }, 'IdP metadata refresh failed; keeping the old metadata');
      await this.audit({ teamId: idp.teamId, actor: SYSTEM, action: 'idp.metadata.refresh-failed', targetType: 'identity-provider', targetId: idp.id, details: { metadataUrl: idp.metadataUrl, error } });
      return { idpId: idp.id, result: 'failed', error: error! };
    }
    const signingCerts = loaded.parsed.signingCerts.map(certificateBody);
    const changed = loaded.xml !== current.metadataXml;
    await this.store.idps.update({
      ...current,
      metadataXml: loaded.xml,
      signingCerts,
      ssoPostUrl: loaded.parsed.ssoPostUrl ?? null,
      ssoRedirectUrl: loaded.parsed.ssoRedirectUrl ?? null,
      metadataRefreshedAt: at,
      metadataRefreshError: null,
      updatedAt: at,
    });
    const certificatesChanged = !sameCerts(current.signingCerts, signingCerts);
    this.logger.info({ idpId: idp.id, teamId: idp.teamId, changed, certificatesChanged }, 'IdP metadata refreshed');
    await this.audit({ teamId: idp.teamId, actor: SYSTEM, action: 'idp.metadata.refreshed', targetType: 'identity-provider', targetId: idp.id, details: { metadataUrl: idp.metadataUrl, changed, certificatesChanged, warnings: loaded.parsed.warnings } });
    return { idpId: idp.id, result: changed ? 'refreshed' : 'unchanged' };
  }
}
