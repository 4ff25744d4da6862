/**
 * Refusals the ACS adds to validateSamlResponse's labels: what only the store knows (requests,
 * replay, users, teams). Each carries a sentence for the audit log and the test report.
 */
export type SsoRefusalLabel =
  | 'unknown-team'
  | 'response-missing'
  | 'response-too-large'
  | 'unknown-issuer'
  | 'unsolicited-response'
  | 'unknown-request'
  | 'request-expired'
  | 'request-reused'
  | 'request-mismatch'
  | 'login-not-started-here'
  | 'replayed'
  | 'account-suspended'
  | 'account-pending'
  | 'not-provisioned'
  | 'bound-to-another-idp'
  | 'idp-not-chosen'
  | 'nameid-format-mismatch'
  | 'test-run-closed';

/** Thrown inside the ACS flow to stop with a label; turned into an audit entry and a redirect. */
export class SsoRefusal extends Error {
  constructor(
    readonly label: string,
    message: string,
  ) {
    super(message);
    this.name = 'SsoRefusal';
  }
}

export const refuse = (label: SsoRefusalLabel, message: string): SsoRefusal => new SsoRefusal(label, message);
