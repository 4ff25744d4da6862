import { MAX_SAML_RESPONSE_BYTES } from './validate-response';
import { NS, childElements, firstChild, fullText, isA, parseXmlStrict } from './xml';

/**
 * The Issuer a Response claims, read without trusting it: it only picks which stored IdP's
 * certificates the response is then verified with (validateSamlResponse checks the signed
 * Issuer against that IdP). Null when it cannot be read; the validator then names the reason.
 */
export function claimedIssuer(samlResponse: string): string | null {
  if (samlResponse.length > MAX_SAML_RESPONSE_BYTES) return null;
  const compact = samlResponse.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return null;
  try {
    const root = parseXmlStrict(Buffer.from(compact, 'base64').toString('utf8')).documentElement;
    if (!isA(root, NS.protocol, 'Response')) return null;
    const own = firstChild(root, NS.assertion, 'Issuer');
    if (own) return fullText(own).trim() || null;
    const assertion = childElements(root, NS.assertion, 'Assertion')[0];
    const issuer = assertion ? firstChild(assertion, NS.assertion, 'Issuer') : undefined;
    return issuer ? fullText(issuer).trim() || null : null;
  } catch {
    return null;
  }
}
