/**
 * What a person sees when SAML sign-in is refused: one entry per ACS refusal label.
 * `tellAdmin` is phrased so the user can forward it as is; the SAML ACS redirects to
 * `/sso/error?label=<label>` and may reuse these texts in logs or API errors. Covers every
 * SamlRefusalLabel of src/saml (a type test fails when one is added without a text) and the
 * ACS's own refusals (not-provisioned, account-suspended, replayed, unknown-request…).
 */
export interface SsoErrorMessage {
  /** Short heading. */
  title: string;
  /** What happened, in words for the person signing in. */
  explanation: string;
  /** What to tell the team admin (who can fix it). */
  tellAdmin: string;
}

export const SSO_ERROR_MESSAGES = {
  'not-provisioned': {
    title: 'Your account has not been set up yet',
    explanation: 'Your company signed you in, but this team only lets in people that its user directory has provisioned, and you are not among them yet.',
    tellAdmin: 'Please add me to the Gatehouse application in our identity provider (SCIM provisioning), or check that my NameID matches the SCIM attribute our team links sign-ins to (externalId, or userName on the directory profile).',
  },
  'account-suspended': {
    title: 'Your account is suspended',
    explanation: 'Your identity was confirmed, but your account in this team is suspended, so you cannot sign in.',
    tellAdmin: 'My account is suspended in Gatehouse; please reinstate it if I should have access.',
  },
  'nameid-format-unsupported': {
    title: 'Your company sent an identifier we cannot use',
    explanation: 'The sign-in response named you with a NameID format that Gatehouse does not accept. Only email address and unspecified formats are supported.',
    tellAdmin: 'Please configure the Gatehouse application in our identity provider to send NameID format emailAddress or unspecified.',
  },
  'assertion-expired': {
    title: 'The sign-in took too long',
    explanation: 'The answer from your company\'s sign-in page arrived after it had expired. This can happen if a page sat open for a while, or if clocks are out of sync.',
    tellAdmin: 'Sign-in failed with "assertion expired"; please check the clocks of our identity provider and of Gatehouse.',
  },
  'signature-invalid': {
    title: 'The sign-in response could not be verified',
    explanation: 'The response from your company\'s sign-in page carried a signature that does not match the certificate Gatehouse has on file.',
    tellAdmin: 'Sign-in failed with "signature invalid"; the identity provider\'s signing certificate may have changed. Please upload its current metadata in Gatehouse.',
  },
  'signature-missing': {
    title: 'The sign-in response was not signed',
    explanation: 'Gatehouse only accepts signed sign-in responses, and this one carried no signature.',
    tellAdmin: 'Sign-in failed with "signature missing"; please make the identity provider sign its SAML responses or assertions.',
  },
  'signature-wrapped': {
    title: 'The sign-in response was tampered with',
    explanation: 'The response contained signed and unsigned parts that do not belong together, a pattern used in attacks. It was refused.',
    tellAdmin: 'Sign-in was refused with "signature wrapped" (a possible attack); please check the identity provider\'s configuration and logs.',
  },
  'unsigned-assertion': {
    title: 'The sign-in details were not signed',
    explanation: 'The response was signed, but the assertion about who you are inside it was not, and Gatehouse requires that.',
    tellAdmin: 'Sign-in failed with "unsigned assertion"; please configure the identity provider to sign the assertion (or the whole response including it).',
  },
  'wrong-audience': {
    title: 'The sign-in was meant for another application',
    explanation: 'Your company\'s sign-in page issued the response for a different service than this Gatehouse team.',
    tellAdmin: 'Sign-in failed with "wrong audience"; please set the application\'s Entity ID / audience to the one shown in Gatehouse under Customization → SSO.',
  },
  'wrong-recipient': {
    title: 'The sign-in was sent to the wrong address',
    explanation: 'The response names a different reply address (recipient) than this Gatehouse team\'s.',
    tellAdmin: 'Sign-in failed with "wrong recipient"; please set the application\'s Reply / ACS URL to the one shown in Gatehouse under Customization → SSO.',
  },
  'wrong-destination': {
    title: 'The sign-in was sent to the wrong address',
    explanation: 'The response says it is destined for a different address than the one it arrived at.',
    tellAdmin: 'Sign-in failed with "wrong destination"; please set the application\'s Reply / ACS URL to the one shown in Gatehouse under Customization → SSO.',
  },
  'wrong-issuer': {
    title: 'The sign-in came from an unexpected identity provider',
    explanation: 'The response was issued by a different identity provider than the one this login code belongs to.',
    tellAdmin: 'Sign-in failed with "wrong issuer"; the identity provider\'s Entity ID may have changed. Please upload its current metadata in Gatehouse.',
  },
  replayed: {
    title: 'This sign-in was already used',
    explanation: 'The same sign-in response reached Gatehouse twice, perhaps after going back in the browser. Each one can be used only once.',
    tellAdmin: 'Only if starting over does not help: sign-in failed with "replayed".',
  },
  'unknown-request': {
    title: 'We did not ask for this sign-in',
    explanation: 'The response answers a sign-in request that Gatehouse did not send or no longer knows, for example after a bookmark of your company\'s sign-in page.',
    tellAdmin: 'Only if starting over from the login code does not help: sign-in failed with "unknown request".',
  },
  'login-not-started-here': {
    title: 'This sign-in was not started in this browser',
    explanation: 'The answer from your company\'s sign-in page belongs to a sign-in that was started in another browser (or the sign-in cookie of this one was lost, for example in a private window that was closed). Gatehouse refuses it, so nobody can sign you in to their account behind your back. Start the sign-in again from this browser.',
    tellAdmin: 'Only if starting again from this browser keeps failing: sign-in was refused with "login not started here"; my browser may be blocking Gatehouse\'s sign-in cookie.',
  },
  'request-expired': {
    title: 'The sign-in took too long',
    explanation: 'You started signing in a while ago and the request has expired.',
    tellAdmin: 'Only if it keeps happening: sign-in failed with "request expired".',
  },
  'idp-status-failure': {
    title: 'Your company\'s sign-in page reported a problem',
    explanation: 'Your identity provider did not confirm who you are; it answered with an error status instead. You may not be assigned to this application there.',
    tellAdmin: 'Sign-in failed with "IdP status failure"; please check that I am assigned to the Gatehouse application in our identity provider.',
  },
  'doctype-forbidden': {
    title: 'The sign-in response was refused',
    explanation: 'The response contained an XML document type declaration, which Gatehouse never accepts because it is used in attacks.',
    tellAdmin: 'Sign-in was refused with "doctype forbidden"; please check what is posting to Gatehouse\'s ACS URL.',
  },
  'malformed-xml': {
    title: 'The sign-in response could not be read',
    explanation: 'What arrived was not a well-formed SAML response.',
    tellAdmin: 'Sign-in failed with "malformed XML"; please check the identity provider\'s SAML configuration.',
  },
  'request-reused': {
    title: 'This sign-in was already used',
    explanation: 'The sign-in request this answer belongs to was already completed, perhaps in another tab or after going back in the browser.',
    tellAdmin: 'Only if starting over does not help: sign-in failed with "request reused".',
  },
  'unsolicited-response': {
    title: 'Please start from the login code or link',
    explanation: 'Your company\'s portal sent you here directly, and this team only accepts sign-ins that start at Gatehouse.',
    tellAdmin: 'Sign-in from the identity provider\'s portal was refused ("unsolicited response"); please allow IdP-initiated sign-in for this connection or share the login link instead.',
  },
  'unknown-issuer': {
    title: 'The sign-in came from an identity provider this team does not know',
    explanation: 'The response was issued by an identity provider that is not connected to this team.',
    tellAdmin: 'Sign-in failed with "unknown issuer"; please check that the application in our identity provider uses this team\'s ACS URL and that its metadata is uploaded in Gatehouse.',
  },
  'bound-to-another-idp': {
    title: 'Your account belongs to another sign-in method',
    explanation: 'Your account in this team is linked to a different identity provider than the one you just used.',
    tellAdmin: 'Sign-in failed with "bound to another IdP"; please send me the login code of the identity provider my account is provisioned for.',
  },
  'idp-not-chosen': {
    title: 'Your account is not linked to a sign-in method yet',
    explanation: 'Your team connects several identity providers, and your account was set up without saying which one you sign in with, so Gatehouse does not let any of them claim it.',
    tellAdmin: 'Sign-in failed with "IdP not chosen"; please provision my account through a SCIM token that is bound to the identity provider I use.',
  },
  'nameid-format-mismatch': {
    title: 'Your company sent your identifier in an unexpected form',
    explanation: 'Your account was found, but the identity provider described your identifier with a different NameID format than your account expects.',
    tellAdmin: 'Sign-in failed with "NameID format mismatch"; an email-shaped externalId needs NameID format emailAddress, anything else unspecified.',
  },
  'unknown-idp': {
    title: 'This login code is not known',
    explanation: 'No identity provider is connected under this code. It may have been replaced or deleted.',
    tellAdmin: 'Please send me the current enterprise login code or link for our team.',
  },
  'idp-status-authn-failed': {
    title: 'Your company could not confirm who you are',
    explanation: 'Your identity provider reports that authentication failed, for example a wrong password or an unfinished second factor.',
    tellAdmin: 'Only if signing in at our identity provider works elsewhere: Gatehouse sign-in failed with "IdP status authn-failed".',
  },
  'idp-status-request-denied': {
    title: 'Your company\'s sign-in page refused the request',
    explanation: 'Your identity provider declined to sign you in to this application, often because you are not assigned to it.',
    tellAdmin: 'Please assign me to the Gatehouse application in our identity provider (sign-in failed with "IdP status request-denied").',
  },
  'idp-status-unknown-principal': {
    title: 'Your company does not know this account',
    explanation: 'Your identity provider could not find the account you tried to sign in with.',
    tellAdmin: 'Sign-in failed with "IdP status unknown-principal"; please check my account in our identity provider.',
  },
  'response-too-large': {
    title: 'The sign-in response was too large',
    explanation: 'What your company\'s sign-in page sent was far larger than any sign-in response should be, so it was not read.',
    tellAdmin: 'Sign-in failed with "response too large"; please check the attributes and certificates the identity provider puts into its SAML responses.',
  },
  'malformed-base64': {
    title: 'The sign-in response could not be read',
    explanation: 'What arrived was not encoded the way SAML responses are.',
    tellAdmin: 'Sign-in failed with "malformed base64"; please check what is posting to Gatehouse\'s ACS URL.',
  },
  'not-a-saml-response': {
    title: 'The sign-in response could not be read',
    explanation: 'What arrived was XML, but not a SAML response.',
    tellAdmin: 'Sign-in failed with "not a SAML response"; please check the identity provider\'s SAML configuration and the ACS URL it posts to.',
  },
  'encrypted-assertion-unsupported': {
    title: 'The sign-in response was encrypted in a way Gatehouse cannot read',
    explanation: 'Your identity provider encrypted the assertion in a form Gatehouse does not accept.',
    tellAdmin: 'Sign-in failed with "encrypted assertion unsupported"; please check the assertion encryption settings of the Gatehouse application against the SP metadata.',
  },
  'encrypted-assertion-malformed': {
    title: 'The encrypted sign-in response could not be read',
    explanation: 'The encrypted part of the response was not shaped the way SAML encryption is.',
    tellAdmin: 'Sign-in failed with "encrypted assertion malformed"; please check the assertion encryption settings of the Gatehouse application.',
  },
  'encrypted-assertion-undecryptable': {
    title: 'The encrypted sign-in response could not be decrypted',
    explanation: 'Gatehouse could not decrypt the response with its encryption keys.',
    tellAdmin: 'Sign-in failed with "encrypted assertion undecryptable"; please have the identity provider read the Gatehouse SP metadata again (its encryption certificate may have changed).',
  },
  'encryption-algorithm-unsupported': {
    title: 'The sign-in response was encrypted with an algorithm Gatehouse refuses',
    explanation: 'Gatehouse accepts AES-GCM or AES-CBC for the assertion and RSA-OAEP for the key; the response used something else.',
    tellAdmin: 'Sign-in failed with "encryption algorithm unsupported"; please set the Gatehouse application to AES-256-GCM (or AES-256-CBC) with RSA-OAEP key transport.',
  },
  'encryption-key-unknown': {
    title: 'The sign-in response was encrypted for someone else',
    explanation: 'The response was encrypted to a certificate Gatehouse does not hold.',
    tellAdmin: 'Sign-in failed with "encryption key unknown"; please have the identity provider read the Gatehouse SP metadata again, or upload its current encryption certificate.',
  },
  'encryption-required': {
    title: 'The sign-in response was not encrypted',
    explanation: 'This connection only accepts encrypted assertions, and this one arrived unencrypted.',
    tellAdmin: 'Sign-in failed with "encryption required"; please turn on assertion encryption for the Gatehouse application (with the encryption certificate from the SP metadata), or turn off "require encrypted assertions".',
  },
  'assertion-missing': {
    title: 'The sign-in response said nothing about you',
    explanation: 'The response did not contain an assertion naming who signed in.',
    tellAdmin: 'Sign-in failed with "assertion missing"; please check the identity provider\'s SAML configuration.',
  },
  'multiple-assertions': {
    title: 'The sign-in response was ambiguous',
    explanation: 'The response contained more than one assertion, so it was refused rather than guessing which one counts.',
    tellAdmin: 'Sign-in failed with "multiple assertions"; please configure the identity provider to send exactly one assertion.',
  },
  'weak-signature-algorithm': {
    title: 'The sign-in response used a weak signature',
    explanation: 'The response was signed with an outdated algorithm (such as SHA-1) that Gatehouse no longer trusts.',
    tellAdmin: 'Sign-in failed with "weak signature algorithm"; please switch the Gatehouse application to RSA-SHA256 signing.',
  },
  'signature-untrusted-key': {
    title: 'The sign-in response was signed with an unknown key',
    explanation: 'The response was signed, but not with any certificate in the identity provider metadata Gatehouse has on file.',
    tellAdmin: 'Sign-in failed with "signature untrusted key"; the identity provider\'s signing certificate probably changed. Please upload its current metadata in Gatehouse.',
  },
  'idp-certificate-missing': {
    title: 'Gatehouse cannot check your company\'s signature',
    explanation: 'The identity provider metadata on file has no signing certificate, so no response can be verified.',
    tellAdmin: 'Sign-in failed with "IdP certificate missing"; please upload identity provider metadata that includes its signing certificate.',
  },
  'assertion-not-yet-valid': {
    title: 'The sign-in arrived too early',
    explanation: 'The response says it only becomes valid later, which usually means a clock is wrong.',
    tellAdmin: 'Sign-in failed with "assertion not yet valid"; please check the clocks of our identity provider and of Gatehouse.',
  },
  'subject-confirmation-missing': {
    title: 'The sign-in response was incomplete',
    explanation: 'The response did not say where and until when it may be used (SubjectConfirmation).',
    tellAdmin: 'Sign-in failed with "subject confirmation missing"; please check the identity provider\'s SAML configuration.',
  },
  'in-response-to-mismatch': {
    title: 'This sign-in answers a different request',
    explanation: 'The response belongs to another sign-in attempt than the one Gatehouse started.',
    tellAdmin: 'Only if starting over from the login code does not help: sign-in failed with "in-response-to mismatch".',
  },
  'nameid-missing': {
    title: 'Your company did not say who you are',
    explanation: 'The response carried no NameID, the identifier Gatehouse matches your account with.',
    tellAdmin: 'Sign-in failed with "NameID missing"; please configure the Gatehouse application to send a NameID (emailAddress or unspecified format).',
  },
  'response-invalid': {
    title: 'The sign-in response was refused',
    explanation: 'The response did not pass Gatehouse\'s checks.',
    tellAdmin: 'Sign-in failed with "response invalid"; the Gatehouse audit log and the "Test sign-in" report on the SSO page say which check failed.',
  },
} as const satisfies Record<string, SsoErrorMessage>;

export type SsoErrorLabel = keyof typeof SSO_ERROR_MESSAGES;

export const GENERIC_SSO_ERROR: SsoErrorMessage = {
  title: 'Sign-in did not work',
  explanation: 'Something went wrong while signing you in through your company\'s identity provider.',
  tellAdmin: 'Sign-in through our identity provider failed; please check the error code below in the Gatehouse audit log.',
};

export function isSsoErrorLabel(label: unknown): label is SsoErrorLabel {
  return typeof label === 'string' && Object.prototype.hasOwnProperty.call(SSO_ERROR_MESSAGES, label);
}

/** The message for a refusal label; other IdP statuses share one text; unknown labels get the generic one. */
export function ssoErrorMessage(label: unknown): SsoErrorMessage {
  if (isSsoErrorLabel(label)) return SSO_ERROR_MESSAGES[label];
  if (typeof label === 'string' && label.startsWith('idp-status-')) return SSO_ERROR_MESSAGES['idp-status-failure'];
  return GENERIC_SSO_ERROR;
}
