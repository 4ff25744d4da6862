import { parseCertificate } from './certificates';
import { loginCodeFor } from '../accounts/login-code';
import { spAcsUrl, spEntityId } from './sp-urls';
import type { IdentityProvider } from '../store/port';

function certificateInfo(cert: string) {
  try {
    const x509 = parseCertificate(cert);
    return { fingerprint_sha256: x509.fingerprint256, subject: x509.subject.replace(/\n/g, ', '), not_after: new Date(x509.validTo).toISOString() };
  } catch {
    return { fingerprint_sha256: null, subject: null, not_after: null };
  }
}

/** The JSON shape of an IdP connection: what an admin (or the SSO page) needs to wire both sides. */
export function idpView(idp: IdentityProvider, publicUrl: string, extra: { users?: number; warnings?: string[] } = {}) {
  const code = loginCodeFor(idp.id);
  return {
    id: idp.id,
    team: idp.teamId,
    handle: idp.handle,
    entity_id: idp.entityId,
    login_code: code,
    login_url: `${publicUrl}/sso/start/${code}`,
    sp: { entity_id: spEntityId(publicUrl, idp.teamId), acs_url: spAcsUrl(publicUrl, idp.teamId), metadata_url: spEntityId(publicUrl, idp.teamId) },
    sso_url: idp.ssoPostUrl ?? idp.ssoRedirectUrl,
    binding: idp.ssoPostUrl ? 'HTTP-POST' : 'HTTP-Redirect',
    certificates: idp.signingCerts.map(certificateInfo),
    metadata_url: idp.metadataUrl,
    metadata_refreshed_at: idp.metadataRefreshedAt,
    metadata_refresh_error: idp.metadataRefreshError,
    replaces: idp.replacesId,
    replaced_by: idp.replacedById,
    allow_idp_initiated: idp.allowIdpInitiated,
    require_encrypted_assertions: idp.requireEncryptedAssertions,
    created_at: idp.createdAt,
    updated_at: idp.updatedAt,
    ...(extra.users !== undefined ? { users: extra.users } : {}),
    ...(extra.warnings && extra.warnings.length > 0 ? { warnings: extra.warnings } : {}),
    // Field names of the messenger API the seeds describe, so its scripts keep working.
    extraInfo: { team: idp.teamId, handle: idp.handle, replacedBy: idp.replacedById },
  };
}
