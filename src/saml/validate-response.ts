import { X509Certificate } from 'node:crypto';
import { certificateBody, parseCertificateCached, toPem } from './certificates';
import { UNDECRYPTABLE_REASON, type DecryptionKey, type EncryptionInfo } from './decrypt-assertion';
import { CONDITION_LABELS, labelForNodeSamlError, verifyWithNodeSaml } from './node-saml-verify';
import { CheckLog, SamlRefusal, type CheckResult, type SamlRefusalLabel } from './response-checks';
import { embeddedCertificates, inspectResponse, type ResponseEnvelope } from './response-structure';
import { checkSignedAssertion, type SamlAssertion } from './signed-assertion';
import { sanitizeIdpText } from './idp-status';
import { NS, descendantElements, fullText } from './xml';

export type { CheckResult, CheckName, SamlRefusalLabel } from './response-checks';
export type { SamlAssertion } from './signed-assertion';

/** Base64 text limit: real responses are 5-100 KB (Entra with group claims at the top end). */
export const MAX_SAML_RESPONSE_BYTES = 512 * 1024;
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

export interface ValidateSamlResponseInput {
  /** The SAMLResponse form field, base64 as posted. */
  samlResponse: string;
  /** From the stored metadata of the IdP this ACS belongs to; never from the message. */
  idp: { entityId: string; signingCerts: string[] };
  sp: { entityId: string; acsUrl: string };
  clockSkewSeconds?: number;
  now?: Date;
  /** SHA-1 signatures/digests are refused unless the IdP connection explicitly allows them. */
  allowSha1?: boolean;
  maxBytes?: number;
  /** The SP's encryption keys (every one we hold during a rollover). */
  decryptionKeys?: readonly DecryptionKey[];
  /** Refuse an unencrypted assertion (the IdP connection's require_encrypted_assertions). */
  requireEncryption?: boolean;
}

export type ValidateSamlResponseResult =
  | { ok: true; assertion: SamlAssertion; signingCertFingerprint: string | null; encryption: EncryptionInfo | null; checks: CheckResult[] }
  | { ok: false; label: SamlRefusalLabel; message: string; checks: CheckResult[] };

type Refused = Extract<ValidateSamlResponseResult, { ok: false }>;

/**
 * CBC has no integrity: an attacker who alters a victim's ciphertext learns from any difference in
 * our answer (a padding error vs. a parse error vs. a bad signature) something about the plaintext.
 * So until the IdP's signature over the decrypted assertion has verified, every refusal of a
 * CBC-encrypted assertion is the one "could not decrypt" refusal, report line included.
 */
function uniformWhileUnauthenticated(refused: Refused, encryption: EncryptionInfo | null): Refused {
  if (!encryption?.unauthenticated || refused.checks.some((c) => c.name === 'signature' && c.passed)) return refused;
  const upToDecryption = refused.checks.slice(0, refused.checks.findIndex((c) => c.name === 'decryption') + 1);
  const checks = [...upToDecryption, { name: 'signature' as const, passed: false, reason: UNDECRYPTABLE_REASON, label: 'encrypted-assertion-undecryptable' as const }];
  return { ok: false, label: 'encrypted-assertion-undecryptable', message: UNDECRYPTABLE_REASON, checks };
}

function trustedCertificates(certs: string[]): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const cert of certs) {
    try {
      out.push(parseCertificateCached(cert));
    } catch {
      // A broken stored certificate cannot verify anything; the others still may.
    }
  }
  return out;
}

/** Which stored certificate signed, when the message says (KeyInfo) and it is one of ours; for the report only. */
function fingerprintOfSigner(embedded: string[], trusted: X509Certificate[]): string | null {
  for (const body of embedded.map(certificateBody)) {
    const match = trusted.find((t) => t.raw.toString('base64') === body);
    if (match) return match.fingerprint256;
  }
  return trusted.length === 1 ? trusted[0]!.fingerprint256 : null;
}

/** A node-saml error as a label and a sentence an admin can act on. */
function explainNodeSamlError(err: unknown, envelope: ResponseEnvelope, trusted: X509Certificate[], spEntityId: string): { label: SamlRefusalLabel; reason: string } {
  const label = labelForNodeSamlError(err);
  const detail = err instanceof Error ? err.message : String(err);
  // node-saml checks the envelope first: a present Response signature that fails (responseSigned above).
  if (detail === 'Invalid document signature' && envelope.responseSigned && embeddedCertificates(envelope).every((c) => trusted.some((t) => t.raw.toString('base64') === certificateBody(c))))
    return { label, reason: "the Response's own signature does not verify with the certificates in this IdP's metadata (the assertion's may): the envelope was altered after signing" };
  if (label === 'signature-invalid') {
    const foreign = embeddedCertificates(envelope)
      .map(certificateBody)
      .filter((body) => !trusted.some((t) => t.raw.toString('base64') === body));
    if (foreign.length > 0) {
      return {
        label: 'signature-untrusted-key',
        reason: "the response is signed with a certificate that is not in this IdP's metadata; if the IdP rotated its certificate, upload its new metadata",
      };
    }
    return { label, reason: "the signature does not verify with the certificates in this IdP's metadata (tampered message or rotated key)" };
  }
  if (label === 'wrong-audience') {
    // node-saml's wording is terse; name both sides (the received value is only used for this message).
    const received = descendantElements(envelope.assertion, NS.assertion, 'Audience').map((a) => fullText(a).trim());
    return { label, reason: `Audience is "${sanitizeIdpText(received.join(', ') || '(none)', 300)}"; this team's SP entityID is "${spEntityId}"` };
  }
  return { label, reason: `refused by signature/conditions validation: ${detail}` };
}

/**
 * Validates a SAML Response posted to our ACS. Order: cheap refusals and anti-wrapping structure
 * (ours), then node-saml (signature with the stored certs only, conditions, audience), then our
 * checks on the signed assertion bytes (issuer, recipient, times, NameID policy, InResponseTo
 * consistency). Never throws for bad input: every refusal is a label, a message and the checks.
 * The caller still owns: InResponseTo against the store (single use), assertion-ID replay.
 */
export async function validateSamlResponse(input: ValidateSamlResponseInput): Promise<ValidateSamlResponseResult> {
  const log: CheckLog = new CheckLog(); // explicit type: lets TS see log.fail() never returns
  const nowMs = (input.now ?? new Date()).getTime();
  const clockSkewMs = (input.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS) * 1000;
  let encryption: EncryptionInfo | null = null;
  try {
    const envelope = inspectResponse(
      {
        samlResponse: input.samlResponse,
        idpEntityId: input.idp.entityId,
        acsUrl: input.sp.acsUrl,
        maxBytes: input.maxBytes ?? MAX_SAML_RESPONSE_BYTES,
        allowSha1: input.allowSha1 ?? false,
        decrypt: { keys: input.decryptionKeys ?? [], requireEncryption: input.requireEncryption ?? false },
        onDecrypted: (info) => (encryption = info),
      },
      log,
    );

    const trusted = trustedCertificates(input.idp.signingCerts);
    if (trusted.length === 0) log.fail('signature', 'idp-certificate-missing', 'this IdP connection has no usable signing certificate; upload its metadata again');

    const verifyInput = {
      base64: envelope.base64,
      idpEntityId: input.idp.entityId,
      idpCerts: trusted.map((c) => toPem(c.raw.toString('base64'))),
      spEntityId: input.sp.entityId,
      acsUrl: input.sp.acsUrl,
      clockSkewMs,
      nowMs,
      responseSigned: envelope.responseSigned,
    };
    let signedAssertionXml: string;
    let conditionsRefusal: { label: SamlRefusalLabel; reason: string } | undefined;
    try {
      ({ signedAssertionXml } = await verifyWithNodeSaml(verifyInput));
    } catch (err) {
      const explained = explainNodeSamlError(err, envelope, trusted, input.sp.entityId);
      if (!CONDITION_LABELS.includes(explained.label)) log.fail('signature', explained.label, explained.reason);
      // The signature held (node-saml checks conditions only after it): finish the report with
      // our own checks on the signed bytes, so a "test connection" lists every problem at once.
      conditionsRefusal = explained;
      ({ signedAssertionXml } = await verifyWithNodeSaml({ ...verifyInput, checkConditions: false }));
    }
    log.pass('signature', `valid signature by a certificate from the IdP metadata${envelope.responseSigned ? ' (Response and Assertion)' : ''}`);

    const assertion = checkSignedAssertion(
      {
        signedAssertionXml,
        responseInResponseTo: envelope.inResponseTo,
        responseSigned: envelope.responseSigned,
        idpEntityId: input.idp.entityId,
        spEntityId: input.sp.entityId,
        acsUrl: input.sp.acsUrl,
        clockSkewMs,
        nowMs,
      },
      log,
    );
    // Our checks mirror node-saml's; should they ever disagree, node-saml's refusal still stands.
    if (conditionsRefusal && !log.results.some((r) => r.label === conditionsRefusal.label)) {
      log.record(conditionsRefusal.label === 'wrong-audience' ? 'audience' : 'time-window', conditionsRefusal.label, conditionsRefusal.reason);
    }
    const failure = log.firstFailure();
    if (!assertion || failure) {
      return uniformWhileUnauthenticated({ ok: false, label: failure!.label!, message: failure!.reason, checks: log.results }, encryption);
    }
    return { ok: true, assertion, signingCertFingerprint: fingerprintOfSigner(embeddedCertificates(envelope), trusted), encryption, checks: log.results };
  } catch (err) {
    if (err instanceof SamlRefusal) return uniformWhileUnauthenticated({ ok: false, label: err.label, message: err.message, checks: log.results }, encryption);
    // Anything unexpected is still a refusal, never a 500 with a stack trace.
    const refusal = log.record('signature', 'response-invalid', `the response could not be validated: ${err instanceof Error ? err.message : String(err)}`);
    return uniformWhileUnauthenticated({ ok: false, label: refusal.label, message: refusal.message, checks: log.results }, encryption);
  }
}
