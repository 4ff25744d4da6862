/** Why a SAML Response was refused: a stable kebab-case label plus a sentence for people. */
export type SamlRefusalLabel =
  | 'response-too-large'
  | 'malformed-base64'
  | 'malformed-xml'
  | 'doctype-forbidden'
  | 'not-a-saml-response'
  | `idp-status-${string}`
  | 'wrong-destination'
  | 'wrong-issuer'
  | 'encrypted-assertion-unsupported'
  | 'encrypted-assertion-malformed'
  | 'encrypted-assertion-undecryptable'
  | 'encryption-algorithm-unsupported'
  | 'encryption-key-unknown'
  | 'encryption-required'
  | 'assertion-missing'
  | 'multiple-assertions'
  | 'signature-wrapped'
  | 'signature-missing'
  | 'unsigned-assertion'
  | 'weak-signature-algorithm'
  | 'signature-untrusted-key'
  | 'signature-invalid'
  | 'idp-certificate-missing'
  | 'wrong-audience'
  | 'wrong-recipient'
  | 'assertion-expired'
  | 'assertion-not-yet-valid'
  | 'subject-confirmation-missing'
  | 'in-response-to-mismatch'
  | 'nameid-missing'
  | 'nameid-format-unsupported'
  | 'response-invalid';

export type CheckName =
  | 'size'
  | 'base64'
  | 'xml'
  | 'response'
  | 'status'
  | 'response-issuer'
  | 'destination'
  | 'decryption'
  | 'assertion-count'
  | 'signature-structure'
  | 'signature-present'
  | 'signature-algorithm'
  | 'signature'
  | 'assertion-issuer'
  | 'subject-confirmation'
  | 'time-window'
  | 'audience'
  | 'nameid'
  | 'nameid-format'
  | 'in-response-to';

/** One line of the "test connection" report. */
export interface CheckResult {
  name: CheckName;
  passed: boolean;
  reason: string;
  /** Set on failed checks. */
  label?: SamlRefusalLabel;
  /** The offending value as received, when the refusal must name it (the NameID format). */
  received?: string;
}

/** Thrown inside the validator to stop at a fatal check; never escapes validateSamlResponse. */
export class SamlRefusal extends Error {
  constructor(
    readonly label: SamlRefusalLabel,
    message: string,
  ) {
    super(message);
    this.name = 'SamlRefusal';
  }
}

/** The ordered list of checks run so far. */
export class CheckLog {
  readonly results: CheckResult[] = [];

  pass(name: CheckName, reason: string): void {
    this.results.push({ name, passed: true, reason });
  }

  /** Records a failure; the caller decides whether to go on (soft) or stop. */
  record(name: CheckName, label: SamlRefusalLabel, reason: string, received?: string): SamlRefusal {
    this.results.push({ name, passed: false, reason, label, ...(received !== undefined ? { received } : {}) });
    return new SamlRefusal(label, reason);
  }

  /** Records a failure and stops validation. */
  fail(name: CheckName, label: SamlRefusalLabel, reason: string): never {
    throw this.record(name, label, reason);
  }

  firstFailure(): CheckResult | undefined {
    return this.results.find((r) => !r.passed);
  }
}
