import { CheckLog } from './response-checks';
import { sanitizeIdpText } from './idp-status';
import { NAMEID_EMAIL, NAMEID_UNSPECIFIED, isAcceptedNameIdFormat } from './nameid';
import { sameUrl } from './response-structure';
import { NS, attr, childElements, descendantElements, firstChild, fullText, parseXmlStrict } from './xml';

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

export interface SamlAssertion {
  /** The subject, read in full from the signed bytes (a comment cannot cut it short). */
  nameId: string;
  /** Absent Format means unspecified (SAML core §8.3.1). */
  nameIdFormat: string;
  sessionIndex: string | null;
  issuer: string;
  /** For the replay cache. */
  assertionId: string;
  /** ISO time after which this assertion is dead: the replay cache entry may expire then. */
  notOnOrAfter: string;
  attributes: Record<string, string[]>;
  /** The AuthnRequest ID this answers, or null for IdP-initiated; the caller checks it against the store. */
  inResponseTo: string | null;
  audience: string;
}

export interface SignedAssertionInput {
  signedAssertionXml: string;
  /** InResponseTo of the (possibly unsigned) Response envelope. */
  responseInResponseTo: string | undefined;
  /** Whether the Response envelope itself is signed (and verified): only then is its InResponseTo trusted. */
  responseSigned: boolean;
  idpEntityId: string;
  spEntityId: string;
  acsUrl: string;
  clockSkewMs: number;
  nowMs: number;
}

function time(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Our own checks on the assertion the signature covers. They run to the end (soft failures) so
 * a "test connection" report lists every problem at once; any failure refuses the response.
 */
export function checkSignedAssertion(input: SignedAssertionInput, log: CheckLog): SamlAssertion | undefined {
  const assertion = parseXmlStrict(input.signedAssertionXml).documentElement;
  const now = input.nowMs;
  const skew = input.clockSkewMs;
  const iso = (ms: number): string => new Date(ms).toISOString();

  const issuerEl = firstChild(assertion, NS.assertion, 'Issuer');
  const issuer = issuerEl ? fullText(issuerEl).trim() : '';
  if (issuer === input.idpEntityId) log.pass('assertion-issuer', `Issuer is ${issuer}`);
  else log.record('assertion-issuer', 'wrong-issuer', `Assertion Issuer is "${sanitizeIdpText(issuer, 200)}"; this connection expects "${input.idpEntityId}"`);

  // Bearer confirmation (Web SSO profile §4.1.4.2): Recipient = our ACS, NotOnOrAfter in the future.
  // node-saml only checks these when it validates InResponseTo itself, which we switched off.
  const subject = firstChild(assertion, NS.assertion, 'Subject');
  const bearers = subject ? childElements(subject, NS.assertion, 'SubjectConfirmation').filter((c) => attr(c, 'Method') === BEARER) : [];
  let confirmationData: Element | undefined;
  const problems: Array<['wrong-recipient' | 'assertion-expired' | 'assertion-not-yet-valid' | 'subject-confirmation-missing', string]> = [];
  for (const bearer of bearers) {
    const data = firstChild(bearer, NS.assertion, 'SubjectConfirmationData');
    const recipient = data ? attr(data, 'Recipient') : undefined;
    const notOnOrAfter = data ? time(attr(data, 'NotOnOrAfter')) : undefined;
    const notBefore = data ? time(attr(data, 'NotBefore')) : undefined;
    if (!data || notOnOrAfter === undefined) problems.push(['subject-confirmation-missing', 'bearer SubjectConfirmationData has no valid NotOnOrAfter']);
    else if (recipient === undefined || !sameUrl(recipient, input.acsUrl)) problems.push(['wrong-recipient', `Recipient is "${sanitizeIdpText(recipient ?? '(none)', 300)}"; this ACS is "${input.acsUrl}"`]);
    else if (now - skew >= notOnOrAfter) problems.push(['assertion-expired', `SubjectConfirmationData expired at ${iso(notOnOrAfter)} (now ${iso(now)}, skew ${skew / 1000}s)`]);
    else if (notBefore !== undefined && now + skew < notBefore) problems.push(['assertion-not-yet-valid', `SubjectConfirmationData not valid before ${iso(notBefore)}`]);
    else {
      confirmationData = data;
      break;
    }
  }
  if (confirmationData) log.pass('subject-confirmation', `bearer confirmation for this ACS, valid until ${attr(confirmationData, 'NotOnOrAfter')}`);
  else if (problems.length > 0) log.record('subject-confirmation', problems[0]![0], problems[0]![1]);
  else log.record('subject-confirmation', 'subject-confirmation-missing', 'the assertion has no bearer SubjectConfirmation');

  const conditions = firstChild(assertion, NS.assertion, 'Conditions');
  const condNotBefore = conditions ? time(attr(conditions, 'NotBefore')) : undefined;
  const condNotOnOrAfter = conditions ? time(attr(conditions, 'NotOnOrAfter')) : undefined;
  const issueInstant = time(attr(assertion, 'IssueInstant'));
  if (condNotOnOrAfter !== undefined && now - skew >= condNotOnOrAfter) {
    log.record('time-window', 'assertion-expired', `the assertion expired at ${iso(condNotOnOrAfter)} (now ${iso(now)}, skew ${skew / 1000}s)`);
  } else if (condNotBefore !== undefined && now + skew < condNotBefore) {
    log.record('time-window', 'assertion-not-yet-valid', `the assertion is not valid before ${iso(condNotBefore)} (now ${iso(now)}, skew ${skew / 1000}s); check the clocks`);
  } else if (issueInstant !== undefined && now + skew < issueInstant) {
    log.record('time-window', 'assertion-not-yet-valid', `the assertion was issued in the future (${iso(issueInstant)}); check the clocks`);
  } else {
    log.pass('time-window', `valid ${condNotBefore ? iso(condNotBefore) : '-'} .. ${condNotOnOrAfter ? iso(condNotOnOrAfter) : '-'} (skew ${skew / 1000}s)`);
  }

  // Every AudienceRestriction must name us (core §2.5.1.4); none at all is refused too.
  const restrictions = conditions ? childElements(conditions, NS.assertion, 'AudienceRestriction') : [];
  const failing = restrictions.find((r) => !childElements(r, NS.assertion, 'Audience').some((a) => fullText(a).trim() === input.spEntityId));
  if (restrictions.length > 0 && !failing) log.pass('audience', `Audience is ${input.spEntityId}`);
  else {
    const got = failing ? childElements(failing, NS.assertion, 'Audience').map((a) => fullText(a).trim()).join(', ') : '(none)';
    log.record('audience', 'wrong-audience', `Audience is "${sanitizeIdpText(got, 300)}"; this team's SP entityID is "${input.spEntityId}"`);
  }

  const identifiers = subject ? childElements(subject).filter((e) => e.namespaceURI === NS.assertion && ['NameID', 'BaseID', 'EncryptedID'].includes(e.localName)) : [];
  const nameIdEl = identifiers.length === 1 ? identifiers.find((e) => e.localName === 'NameID') : undefined;
  const nameId = nameIdEl ? fullText(nameIdEl).trim() : '';
  const nameIdFormat = (nameIdEl && attr(nameIdEl, 'Format')) || NAMEID_UNSPECIFIED;
  if (!nameIdEl) {
    const encrypted = identifiers.some((e) => e.localName === 'EncryptedID');
    const reason =
      identifiers.length > 1 ? `the Subject carries ${identifiers.length} identifiers; exactly one <NameID> is required`
      : encrypted ? 'the NameID is encrypted; turn off NameID encryption in the IdP'
      : 'the assertion has no <NameID> in its Subject';
    log.record('nameid', 'nameid-missing', reason);
  } else if (!nameId) log.record('nameid', 'nameid-missing', 'the <NameID> is empty');
  else log.pass('nameid', `NameID is "${nameId}"`);

  if (isAcceptedNameIdFormat(nameIdFormat)) log.pass('nameid-format', nameIdFormat);
  else {
    log.record(
      'nameid-format',
      'nameid-format-unsupported',
      `NameID format "${sanitizeIdpText(nameIdFormat, 200)}" is not supported; configure the IdP to send "${NAMEID_EMAIL}" or "${NAMEID_UNSPECIFIED}"`,
      sanitizeIdpText(nameIdFormat, 200),
    );
  }

  // InResponseTo is read only from signed bytes: the confirmation data inside the signed assertion,
  // or the Response's when the Response is signed too. An unsigned Response's value is never
  // trusted (an attacker could add it to make an unsolicited assertion look solicited); without a
  // signed one the response counts as IdP-initiated. Both values, when present, must agree.
  const signedInResponseTo = confirmationData ? attr(confirmationData, 'InResponseTo') : undefined;
  const inResponseTo = signedInResponseTo ?? (input.responseSigned ? input.responseInResponseTo : undefined) ?? null;
  if (signedInResponseTo !== undefined && input.responseInResponseTo !== undefined && signedInResponseTo !== input.responseInResponseTo) {
    log.record('in-response-to', 'in-response-to-mismatch', `Response InResponseTo "${sanitizeIdpText(input.responseInResponseTo, 100)}" differs from the signed "${sanitizeIdpText(signedInResponseTo, 100)}"`);
  } else if (inResponseTo) {
    log.pass('in-response-to', `answers request ${inResponseTo} (the caller checks it is outstanding)`);
  } else if (input.responseInResponseTo !== undefined) {
    log.pass('in-response-to', `unsolicited (IdP-initiated): the unsigned Response names InResponseTo "${sanitizeIdpText(input.responseInResponseTo, 100)}", but the signed assertion does not, so it is ignored`);
  } else {
    log.pass('in-response-to', 'unsolicited (IdP-initiated)');
  }

  if (log.firstFailure()) return undefined;

  const notOnOrAfter = Math.min(condNotOnOrAfter ?? Infinity, time(attr(confirmationData!, 'NotOnOrAfter')) ?? Infinity);
  const authn = firstChild(assertion, NS.assertion, 'AuthnStatement');
  return {
    nameId,
    nameIdFormat,
    sessionIndex: (authn && attr(authn, 'SessionIndex')) ?? null,
    issuer,
    assertionId: attr(assertion, 'ID') ?? '',
    notOnOrAfter: iso(notOnOrAfter),
    attributes: readAttributes(assertion),
    inResponseTo,
    audience: input.spEntityId,
  };
}

function readAttributes(assertion: Element): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const statement of childElements(assertion, NS.assertion, 'AttributeStatement')) {
    for (const attribute of childElements(statement, NS.assertion, 'Attribute')) {
      const name = attr(attribute, 'Name');
      if (!name) continue;
      const values = descendantElements(attribute, NS.assertion, 'AttributeValue').map((v) => fullText(v));
      out[name] = [...(out[name] ?? []), ...values];
    }
  }
  return out;
}
