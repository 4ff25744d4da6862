const STATUS_PREFIX = 'urn:oasis:names:tc:SAML:2.0:status:';

// SAML core §3.2.2.2. Only these become labels, so an IdP cannot mint arbitrary label strings.
const KNOWN_STATUS = [
  'Requester', 'Responder', 'VersionMismatch', 'AuthnFailed', 'InvalidAttrNameOrValue', 'InvalidNameIDPolicy',
  'NoAuthnContext', 'NoAvailableIDP', 'NoPassive', 'NoSupportedIDP', 'PartialLogout', 'ProxyCountExceeded',
  'RequestDenied', 'RequestUnsupported', 'RequestVersionDeprecated', 'RequestVersionTooHigh', 'RequestVersionTooLow',
  'ResourceNotRecognized', 'TooManyResponses', 'UnknownAttrProfile', 'UnknownPrincipal', 'UnsupportedBinding',
];

export const STATUS_SUCCESS = `${STATUS_PREFIX}Success`;

function kebab(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1-$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

/**
 * `idp-status-<code>` from the most specific known status code (the second-level one says
 * why: authn-failed, request-denied…), else `idp-status-failure`.
 */
export function idpStatusLabel(topCode: string | undefined, subCode: string | undefined): `idp-status-${string}` {
  for (const code of [subCode, topCode]) {
    const local = code?.startsWith(STATUS_PREFIX) ? code.slice(STATUS_PREFIX.length) : undefined;
    if (local && KNOWN_STATUS.includes(local)) return `idp-status-${kebab(local)}`;
  }
  return 'idp-status-failure';
}

/** IdP-supplied text shown to people: no control characters, bounded length. */
export function sanitizeIdpText(text: string, max = 500): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
