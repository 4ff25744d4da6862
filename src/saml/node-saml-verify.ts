import { SAML, SamlStatusError, ValidateInResponseTo, type Profile } from '@node-saml/node-saml';
import type { SamlRefusalLabel } from './response-checks';

export interface NodeSamlVerifyInput {
  /** Whitespace-free base64 SAMLResponse. */
  base64: string;
  idpEntityId: string;
  /** PEM certificates from the stored IdP metadata; the only keys that may sign. */
  idpCerts: string[];
  spEntityId: string;
  acsUrl: string;
  clockSkewMs: number;
  nowMs: number;
  /**
   * false: node-saml verifies the signature only (no audience/time checks). Used solely to finish
   * a refusal report after node-saml already refused on conditions; never to accept a response.
   */
  checkConditions?: boolean;
  /**
   * The Response element carries a signature of its own: it must verify too. node-saml verifies the
   * envelope's signature on every response anyway; told so, it refuses one that fails ("Invalid
   * document signature") instead of accepting it because the assertion's holds — one verification,
   * not a second pass of our own over the same bytes.
   */
  responseSigned?: boolean;
}

/**
 * node-saml reads the clock itself (`new Date()`); this subclass feeds its timestamp checks our
 * injected `now`, so node-saml and our own checks judge the same instant (and tests can pin it).
 */
class ClockedSaml extends SAML {
  private readonly nowMs: number;

  constructor(options: ConstructorParameters<typeof SAML>[0], nowMs: number) {
    super(options);
    this.nowMs = nowMs;
  }

  protected override checkTimestampsValidityError(_nodeSamlNow: number, notBefore: string, notOnOrAfter: string, maxTimeLimitMs?: number): Error | null {
    return super.checkTimestampsValidityError(this.nowMs, notBefore, notOnOrAfter, maxTimeLimitMs);
  }
}

/**
 * Runs node-saml's signature verification and its own checks. Returns the assertion XML that
 * the signature actually covers (xml-crypto's canonical signed bytes): the only XML we read
 * identity from afterwards.
 */
export async function verifyWithNodeSaml(input: NodeSamlVerifyInput): Promise<{ profile: Profile; signedAssertionXml: string }> {
  const saml = new ClockedSaml(
    {
      issuer: input.spEntityId,
      callbackUrl: input.acsUrl,
      audience: input.checkConditions === false ? false : input.spEntityId,
      idpIssuer: input.idpEntityId,
      idpCert: input.idpCerts,
      wantAssertionsSigned: true,
      // A signed Response is welcome but not required (an unsigned assertion inside one is still
      // refused); a Response signature that is present must hold, as its InResponseTo is trusted.
      wantAuthnResponseSigned: input.responseSigned === true,
      acceptedClockSkewMs: input.checkConditions === false ? -1 : input.clockSkewMs,
      // Request IDs live in our shared store; the caller checks InResponseTo (single use, expiry).
      validateInResponseTo: ValidateInResponseTo.never,
      maxAssertionAgeMs: 0,
    },
    input.nowMs,
  );
  const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: input.base64 });
  if (!profile || typeof profile.getAssertionXml !== 'function') throw new Error('Missing SAML assertion');
  return { profile, signedAssertionXml: profile.getAssertionXml() };
}

/** node-saml 5.1 error messages (lib/saml.js, lib/xml.js) → our labels. Unknown messages → response-invalid. */
const NODE_SAML_MESSAGES: Array<[RegExp, SamlRefusalLabel]> = [
  [/^Invalid signature: multiple assertions/, 'multiple-assertions'],
  [/ID cannot refer to more than one element|Referenced node does not refer to it's parent|Too many signatures found|ref URI included quote|Cannot obtain assertion from signed data|Only 1 signed references/, 'signature-wrapped'],
  [/^Invalid signature|^Invalid document signature|too many transforms/, 'signature-invalid'],
  [/No decryption key for encrypted SAML response|EncryptedAssertion/, 'encrypted-assertion-unsupported'],
  [/^SAML assertion not yet valid/, 'assertion-not-yet-valid'],
  [/^SAML assertion expired/, 'assertion-expired'],
  [/AudienceRestriction|audience mismatch/, 'wrong-audience'],
  [/^Missing SAML assertion/, 'assertion-missing'],
  [/Not a valid XML document|xmldom/, 'malformed-xml'],
  [/is not in PEM format|idpCert/, 'idp-certificate-missing'],
];

/** node-saml raises these only after the signature verified (processValidlySignedAssertionAsync). */
export const CONDITION_LABELS: readonly SamlRefusalLabel[] = ['wrong-audience', 'assertion-expired', 'assertion-not-yet-valid'];

export function labelForNodeSamlError(err: unknown): SamlRefusalLabel {
  if (err instanceof SamlStatusError) return 'idp-status-failure';
  const message = err instanceof Error ? err.message : String(err);
  return NODE_SAML_MESSAGES.find(([pattern]) => pattern.test(message))?.[1] ?? 'response-invalid';
}
