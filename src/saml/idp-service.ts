import { randomUUID } from 'node:crypto';
import type { Auditor } from '../accounts/audit';
import type { Config } from '../config';
import { addSeconds, nowIso } from '../crypto';
import { badRequest, conflict, notFound } from '../http/errors';
import { UniqueConstraintError, type AuditActor, type IdentityProvider, type SamlTestRun, type Store } from '../store/port';
import { certificateBody } from './certificates';
import { loadMetadata, type LoadedMetadata, type MetadataSource } from './idp-metadata-source';
import { idpView } from './idp-view';
import { isUuid } from './uuid';

/** What an admin can set on a connection besides the metadata. */
export interface IdpSettings {
  handle?: string | null;
  allowIdpInitiated?: boolean;
  requireEncryptedAssertions?: boolean;
}

const HANDLE = /^[A-Za-z0-9][A-Za-z0-9 _.@-]{0,63}$/;
/** A test URL works for an hour: enough to sign in at a slow IdP, short enough not to linger in chats. */
export const TEST_RUN_TTL_SECONDS = 3600;

export function checkHandle(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !HANDLE.test(value.trim()))
    throw badRequest('invalid-handle', 'handle must be 1–64 characters: letters, digits, space, "_", ".", "@" or "-", starting with a letter or digit.');
  return value.trim();
}

/** IdP connections of a team: create (upload or URL), replace, update, delete, and test runs. */
export class IdentityProviderService {
  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly audit: Auditor,
    /** Told the ids of SCIM tokens deleted with an IdP (the token service drops them from its cache). */
    private readonly onTokensRemoved: (ids: string[]) => void = () => {},
  ) {}

  private fetchOptions() {
    return { allowInsecure: this.config.allowInsecureMetadataUrls };
  }

  view(idp: IdentityProvider, extra: { users?: number; warnings?: string[] } = {}) {
    return idpView(idp, this.config.publicUrl, extra);
  }

  async require(teamId: string, id: string): Promise<IdentityProvider> {
    const idp = isUuid(id) ? await this.store.idps.get(teamId, id.toLowerCase()) : null;
    if (!idp) throw notFound('idp-not-found', `No identity provider with id ${id} in your team (GET /identity-providers lists them).`);
    return idp;
  }

  countUsers(idp: IdentityProvider): Promise<number> {
    return this.store.idps.countUsers(idp.teamId, idp.id);
  }

  /** The team's IdP records as stored (no user counts): for naming them on other pages. */
  records(teamId: string): Promise<IdentityProvider[]> {
    return this.store.idps.list(teamId);
  }

  async list(teamId: string) {
    const idps = await this.store.idps.list(teamId);
    return Promise.all(idps.map(async (idp) => this.view(idp, { users: await this.store.idps.countUsers(teamId, idp.id) })));
  }

  async create(teamId: string, source: MetadataSource, options: IdpSettings & { replaces?: string }, actor: AuditActor) {
    const loaded = await loadMetadata(source, this.fetchOptions());
    let replaces: IdentityProvider | null = null;
    if (options.replaces !== undefined) {
      replaces = await this.require(teamId, options.replaces).catch(() => {
        throw badRequest('unknown-idp', `replaces=${options.replaces} is not an identity provider of your team.`);
      });
      if (replaces.replacedById) throw conflict('idp-already-replaced', `Identity provider ${replaces.id} was already replaced by ${replaces.replacedById}; replace that one instead.`);
    }
    const existing = await this.store.idps.findByEntityId(teamId, loaded.parsed.entityId);
    if (existing && !existing.replacedById && existing.id !== replaces?.id)
      throw this.entityIdTaken(loaded.parsed.entityId, existing.id);
    const now = nowIso();
    const idp: IdentityProvider = {
      id: randomUUID(),
      teamId,
      handle: options.handle ?? null,
      ...this.metadataFields(loaded),
      replacesId: replaces?.id ?? null,
      replacedById: null,
      allowIdpInitiated: options.allowIdpInitiated ?? false,
      requireEncryptedAssertions: options.requireEncryptedAssertions ?? false,
      metadataRefreshedAt: loaded.url ? now : null,
      metadataRefreshError: null,
      createdAt: now,
      updatedAt: now,
    };
    let created: IdentityProvider;
    try {
      created = await this.store.idps.create(idp);
    } catch (e) {
      throw this.mapUnique(e, loaded.parsed.entityId);
    }
    await this.audit({
      teamId,
      actor,
      action: 'idp.created',
      targetType: 'identity-provider',
      targetId: created.id,
      details: { entityId: created.entityId, handle: created.handle, metadataUrl: created.metadataUrl, replaces: created.replacesId, allowIdpInitiated: created.allowIdpInitiated, requireEncryptedAssertions: created.requireEncryptedAssertions, certificates: created.signingCerts.length },
    });
    return this.view(created, { users: 0, warnings: loaded.parsed.warnings });
  }

  /** New metadata (same id) and/or settings. Omitted parts stay as they are. */
  async update(teamId: string, id: string, source: MetadataSource | null, settings: IdpSettings, actor: AuditActor) {
    const current = await this.require(teamId, id);
    const loaded = source ? await loadMetadata(source, this.fetchOptions()) : null;
    if (loaded && loaded.parsed.entityId !== current.entityId) {
      const other = await this.store.idps.findByEntityId(teamId, loaded.parsed.entityId);
      if (other && other.id !== current.id && !other.replacedById) throw this.entityIdTaken(loaded.parsed.entityId, other.id);
    }
    const now = nowIso();
    const next: IdentityProvider = {
      ...current,
      ...(loaded ? { ...this.metadataFields(loaded), metadataRefreshedAt: loaded.url ? now : null, metadataRefreshError: null } : {}),
      ...(settings.handle !== undefined ? { handle: settings.handle } : {}),
      ...(settings.allowIdpInitiated !== undefined ? { allowIdpInitiated: settings.allowIdpInitiated } : {}),
      ...(settings.requireEncryptedAssertions !== undefined ? { requireEncryptedAssertions: settings.requireEncryptedAssertions } : {}),
      updatedAt: now,
    };
    let saved: IdentityProvider | null;
    try {
      saved = await this.store.idps.update(next);
    } catch (e) {
      throw this.mapUnique(e, next.entityId);
    }
    if (!saved) throw notFound('idp-not-found', `No identity provider with id ${id} in your team.`);
    await this.audit({
      teamId,
      actor,
      action: 'idp.updated',
      targetType: 'identity-provider',
      targetId: id,
      details: {
        metadata: loaded ? { entityId: saved.entityId, metadataUrl: saved.metadataUrl, certificatesChanged: !sameCerts(current.signingCerts, saved.signingCerts) } : null,
        handle: saved.handle,
        allowIdpInitiated: saved.allowIdpInitiated,
        requireEncryptedAssertions: saved.requireEncryptedAssertions,
      },
    });
    return this.view(saved, { users: await this.store.idps.countUsers(teamId, id), warnings: loaded?.parsed.warnings });
  }

  /** SCIM tokens bound to this IdP: deleting the IdP deletes them (the SSO page says how many first). */
  async tokensBoundTo(teamId: string, idpId: string): Promise<number> {
    return (await this.store.scimTokens.list(teamId)).filter((t) => t.idpId === idpId).length;
  }

  async delete(teamId: string, id: string, purge: boolean, actor: AuditActor): Promise<{ id: string; usersRemoved: number; tokensRemoved: number }> {
    const idp = await this.require(teamId, id);
    const outcome = await this.store.idps.delete(teamId, idp.id, purge);
    if (outcome.refused) {
      const users = await this.store.idps.countUsers(teamId, idp.id);
      throw conflict(
        'idp-has-users',
        `${users} user(s) are bound to this identity provider. Replace it first (POST /identity-providers?replaces=${idp.id}) so they can move over, or delete it with ?purge=true to delete those users too.`,
      );
    }
    if (!outcome.deleted) throw notFound('idp-not-found', `No identity provider with id ${id} in your team.`);
    this.onTokensRemoved(outcome.tokensRemoved);
    await this.audit({ teamId, actor, action: 'idp.deleted', targetType: 'identity-provider', targetId: idp.id, details: { entityId: idp.entityId, purge, usersRemoved: outcome.usersRemoved, tokensRemoved: outcome.tokensRemoved } });
    for (const tokenId of outcome.tokensRemoved)
      await this.audit({ teamId, actor, action: 'scim-token.deleted', targetType: 'scim-token', targetId: tokenId, details: { reason: 'idp-deleted', idp: idp.id } });
    return { id: idp.id, usersRemoved: outcome.usersRemoved, tokensRemoved: outcome.tokensRemoved.length };
  }

  /** Starts a "test connection" run; the returned URL runs a real sign-in in test mode. */
  async startTestRun(teamId: string, id: string, actor: AuditActor) {
    const idp = await this.require(teamId, id);
    const now = nowIso();
    const run: SamlTestRun = { id: randomUUID(), teamId, idpId: idp.id, createdBy: actor.id, createdAt: now, expiresAt: addSeconds(now, TEST_RUN_TTL_SECONDS), completedAt: null, report: null };
    await this.store.samlTestRuns.create(run);
    await this.audit({ teamId, actor, action: 'idp.test.started', targetType: 'identity-provider', targetId: idp.id, details: { testRun: run.id } });
    return { id: run.id, url: `${this.config.publicUrl}/sso/test/${run.id}`, expires_at: run.expiresAt };
  }

  async testRunView(teamId: string, idpId: string, runId: string) {
    const idp = await this.require(teamId, idpId);
    const run = isUuid(runId) ? await this.store.samlTestRuns.get(teamId, runId.toLowerCase()) : null;
    if (!run || run.idpId !== idp.id) throw notFound('test-run-not-found', `No test run ${runId} for identity provider ${idpId}.`);
    const status = run.completedAt ? 'completed' : run.expiresAt < nowIso() ? 'expired' : 'pending';
    return { id: run.id, idp: run.idpId, status, created_at: run.createdAt, expires_at: run.expiresAt, completed_at: run.completedAt, report: run.report };
  }

  private metadataFields(loaded: LoadedMetadata) {
    return {
      entityId: loaded.parsed.entityId,
      metadataXml: loaded.xml,
      metadataUrl: loaded.url,
      signingCerts: loaded.parsed.signingCerts.map(certificateBody),
      ssoPostUrl: loaded.parsed.ssoPostUrl ?? null,
      ssoRedirectUrl: loaded.parsed.ssoRedirectUrl ?? null,
    };
  }

  private entityIdTaken(entityId: string, otherId: string) {
    return conflict('idp-exists', `Your team already has an identity provider with entityID ${entityId} (id ${otherId}). To rotate it, upload the new metadata with ?replaces=${otherId}; to change it in place, PUT /identity-providers/${otherId}.`);
  }

  private mapUnique(e: unknown, entityId: string): unknown {
    if (!(e instanceof UniqueConstraintError)) return e;
    if (e.field === 'entityId') return conflict('idp-exists', `Your team already has an identity provider with entityID ${entityId}; use ?replaces=<its id> to rotate it.`);
    if (e.field === 'handle') return conflict('handle-exists', 'Another identity provider of your team already uses this handle.');
    if (e.field === 'replacesId') return conflict('idp-already-replaced', 'The identity provider to replace is gone or was already replaced.');
    return e;
  }
}

export function sameCerts(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((cert, i) => certificateBody(cert) === certificateBody(b[i]!));
}
