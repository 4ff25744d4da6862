import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AccountService, IssuedToken } from '../accounts/account-service';
import type { Auditor } from '../accounts/audit';
import type { Config } from '../config';
import { addSeconds, nowIso, sha256Hex } from '../crypto';
import type { AuditActor, IdentityProvider, SamlRequest, Store, Team, User } from '../store/port';
import { applyUserPlan } from './acs-apply';
import { describePlan, reportCheck, testReport, type ReportCheck } from './acs-report';
import { planUser, type UserPlan } from './acs-users';
import { buildAuthnRequest, newRequestId, type AuthnRequestResult } from './authn-request';
import { toPem } from './certificates';
import { sanitizeIdpText } from './idp-status';
import { withLabel, type RedirectPolicy } from './redirect-targets';
import { claimedIssuer } from './response-issuer';
import type { SamlAssertion } from './signed-assertion';
import { buildSpMetadata } from './sp-metadata';
import type { SpKeyring, SpKeySet } from './sp-keyring';
import { spAcsUrl, spEntityId } from './sp-urls';
import { RequestBinding, type CookieToSet } from './request-binding';
import { refuse, SsoRefusal } from './sso-refusal';
import { isUuid } from './uuid';
import { validateSamlResponse } from './validate-response';

/** Our request IDs (newRequestId): they double as the RelayState, which is how the ACS finds the attempt. */
const REQUEST_ID = /^_[0-9a-f]{40}$/;
export const DEFAULT_SUCCESS_REDIRECT = '/me';
export const ERROR_PAGE = '/sso/error';

export type AcsOutcome =
  | { kind: 'signed-in'; redirect: string; session: IssuedToken; user: User; bindingCookie?: CookieToSet }
  | { kind: 'refused'; redirect: string; label: string; message: string; bindingCookie?: CookieToSet }
  | { kind: 'tested'; redirect: string; runId: string; passed: boolean; bindingCookie?: CookieToSet };

/** What the browser that posted to the ACS brought along besides the form. */
export interface AcsBrowser {
  /** The request-binding cookie's value (RequestBinding), if the browser sent one. */
  bindingCookie: string | null;
}

type Stage = 'team' | 'response' | 'idp' | 'validate' | 'replay' | 'request' | 'user' | 'sign-in';

/** What the ACS learned so far: for the redirect, the audit entry and the test report. */
interface Trail {
  stage: Stage;
  team: Team | null;
  idp: IdentityProvider | null;
  request: SamlRequest | null;
  testRunId: string | null;
  relayState: string | null;
  checks: ReportCheck[];
  assertion: SamlAssertion | null;
  fingerprint: string | null;
  plan: UserPlan | null;
  /** The request this browser proved it started, whose binding the response cookie drops. */
  answered: string | null;
}

const anonymous = (nameId: string | null): AuditActor => ({ type: 'anonymous', id: null, name: nameId });

/** Enterprise sign-in: SP metadata, AuthnRequests, and the ACS from response to session. */
export class SsoService {
  private bindingHelper: RequestBinding | null = null;

  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly audit: Auditor,
    private readonly accounts: AccountService,
    readonly redirects: RedirectPolicy,
    private readonly spKeyring: SpKeyring,
    private readonly logger: Logger,
    /** The instance secret the request-binding cookie's HMAC key is derived from (services pass the CSRF secret). */
    private readonly bindingSecret: string | null = null,
  ) {}

  /**
   * Browser binding of AuthnRequests (login-CSRF defence). Keyed from the instance secret every
   * instance shares (not from the SP signing key, which rolls over); a process without one (CLI,
   * bench) binds with a key of its own.
   */
  get binding(): RequestBinding {
    return (this.bindingHelper ??= new RequestBinding(this.bindingSecret ?? randomBytes(32).toString('base64url'), this.config.secureCookies, this.config.samlRequestTtlSeconds));
  }

  private sp(teamId: string) {
    return { entityId: spEntityId(this.config.publicUrl, teamId), acsUrl: spAcsUrl(this.config.publicUrl, teamId) };
  }

  async spMetadata(teamId: string): Promise<string | null> {
    const team = isUuid(teamId) ? await this.store.teams.get(teamId.toLowerCase()) : null;
    if (!team) return null;
    const keys = await this.spKeyring.current();
    return buildSpMetadata({ publicUrl: this.config.publicUrl, teamId: team.id, signingCerts: keys.published.signing.map((k) => k.certPem), encryptionCerts: keys.published.encryption.map((k) => k.certPem) });
  }

  /** An IdP by id from any team (login codes and links carry only the IdP id). */
  async idpForLogin(idpId: string): Promise<IdentityProvider | null> {
    return isUuid(idpId) ? this.store.idps.getAnyTeam(idpId.toLowerCase()) : null;
  }

  /**
   * Stores the attempt (single use, expiring) and builds the signed AuthnRequest for it, with the
   * cookie that binds the attempt to this browser (the caller must set it on the response).
   */
  async initiate(
    idp: IdentityProvider,
    options: { successRedirect: string | null; errorRedirect: string | null; testRunId?: string | null; cspNonce?: string; bindingCookie?: string | null },
  ): Promise<AuthnRequestResult & { bindingCookie: CookieToSet }> {
    const keys = (await this.spKeyring.current()).signing;
    const id = newRequestId();
    const createdAt = nowIso();
    await this.store.samlRequests.create({
      id,
      teamId: idp.teamId,
      idpId: idp.id,
      successRedirect: options.successRedirect,
      errorRedirect: options.errorRedirect,
      testRunId: options.testRunId ?? null,
      createdAt,
      expiresAt: addSeconds(createdAt, this.config.samlRequestTtlSeconds),
      consumedAt: null,
    });
    const request = await buildAuthnRequest({
      idp: { entityId: idp.entityId, signingCerts: idp.signingCerts.map(toPem), ssoPostUrl: idp.ssoPostUrl ?? undefined, ssoRedirectUrl: idp.ssoRedirectUrl ?? undefined },
      sp: { ...this.sp(idp.teamId), privateKeyPem: keys.privateKeyPem, certPem: keys.certPem },
      relayState: id,
      requestId: id,
      ...(options.cspNonce ? { cspNonce: options.cspNonce } : {}),
    });
    return { ...request, bindingCookie: this.binding.started(options.bindingCookie, id) };
  }

  /** The IdP of an open test run, or null if the run is unknown, finished or expired. */
  async openTestRun(runId: string): Promise<{ runId: string; idp: IdentityProvider } | null> {
    const run = isUuid(runId) ? await this.store.samlTestRuns.getAnyTeam(runId.toLowerCase()) : null;
    if (!run || run.completedAt || run.expiresAt < nowIso()) return null;
    const idp = await this.store.idps.get(run.teamId, run.idpId);
    return idp ? { runId: run.id, idp } : null;
  }

  async testRunOutcome(runId: string): Promise<{ status: 'pending' | 'passed' | 'failed'; label: string | null } | null> {
    const run = isUuid(runId) ? await this.store.samlTestRuns.getAnyTeam(runId.toLowerCase()) : null;
    if (!run) return null;
    if (!run.report) return { status: 'pending', label: null };
    return { status: run.report.outcome === 'passed' ? 'passed' : 'failed', label: typeof run.report.label === 'string' ? run.report.label : null };
  }

  /**
   * The ACS. Order: team → IdP (by the attempt or the claimed Issuer) → validateSamlResponse with
   * that IdP's stored certificates → replay cache → InResponseTo consumed from the store →
   * user rules → session. Every refusal is audited and becomes a redirect with its label;
   * in test mode the same steps run, nothing is written but the report, and no one signs in.
   */
  async finalize(teamIdParam: string, body: Record<string, unknown>, browser: AcsBrowser, now: Date = new Date()): Promise<AcsOutcome> {
    const trail: Trail = { stage: 'team', team: null, idp: null, request: null, testRunId: null, relayState: null, checks: [], assertion: null, fingerprint: null, plan: null, answered: null };
    const outcome = await this.finalizeSteps(teamIdParam, body, browser, now, trail);
    return trail.answered ? { ...outcome, bindingCookie: this.binding.finished(browser.bindingCookie, trail.answered) } : outcome;
  }

  private async finalizeSteps(teamIdParam: string, body: Record<string, unknown>, browser: AcsBrowser, now: Date, trail: Trail): Promise<AcsOutcome> {
    try {
      const team = isUuid(teamIdParam) ? await this.store.teams.get(teamIdParam.toLowerCase()) : null;
      if (!team) throw refuse('unknown-team', `there is no team ${sanitizeIdpText(teamIdParam, 64)} on this instance; check the ACS URL configured at the IdP.`);
      trail.team = team;

      trail.stage = 'response';
      trail.relayState = typeof body.RelayState === 'string' ? body.RelayState : null;
      if (trail.relayState && REQUEST_ID.test(trail.relayState)) {
        // Read, not consumed: tells where errors go and whether this is a test run before any check.
        const pending = await this.store.samlRequests.find(trail.relayState);
        if (pending && pending.teamId === team.id) {
          trail.request = pending;
          trail.testRunId = pending.testRunId;
        }
      }
      const samlResponse = body.SAMLResponse;
      if (typeof samlResponse !== 'string' || samlResponse.trim() === '')
        throw refuse('response-missing', 'the POST carried no SAMLResponse field; the IdP must post the response form (HTTP-POST binding) to this ACS URL.');

      trail.stage = 'idp';
      const idp = await this.idpFor(team, trail, samlResponse, now);
      trail.idp = idp;
      trail.checks.push({ name: 'idp', passed: true, reason: `response is verified against identity provider ${idp.id} (${idp.entityId})` });

      trail.stage = 'validate';
      const validate = async (keys: SpKeySet) =>
        validateSamlResponse({
          samlResponse,
          idp: { entityId: idp.entityId, signingCerts: idp.signingCerts },
          sp: this.sp(team.id),
          clockSkewSeconds: this.config.samlClockSkewSeconds,
          now,
          decryptionKeys: keys.decryption,
          requireEncryption: idp.requireEncryptedAssertions,
        });
      let result = await validate(await this.spKeyring.current());
      // Encrypted to a key staged moments ago on another instance: look at the store once more.
      if (!result.ok && result.label === 'encryption-key-unknown') result = await validate(await this.spKeyring.refresh());
      trail.checks.push(...result.checks.map(reportCheck));
      if (!result.ok) throw new SsoRefusal(result.label, result.message);
      const assertion = result.assertion;
      trail.assertion = assertion;
      trail.fingerprint = result.signingCertFingerprint;

      trail.stage = 'replay';
      const skewMs = this.config.samlClockSkewSeconds * 1000;
      const expires = new Date(Math.max(Date.parse(assertion.notOnOrAfter) || 0, now.getTime()) + skewMs).toISOString();
      if (!(await this.store.replayCache.remember(`assertion:${sha256Hex(`${idp.id}\n${assertion.assertionId}`)}`, expires)))
        throw refuse('replayed', `assertion ${sanitizeIdpText(assertion.assertionId, 100)} was already used to sign in; each response works once.`);
      trail.checks.push({ name: 'replay', passed: true, reason: 'assertion ID not seen before (now remembered until it expires)' });

      trail.stage = 'request';
      await this.checkRequest(team, idp, assertion, trail, browser, now);

      trail.stage = 'user';
      const plan = await planUser(this.store, team, idp, assertion);
      trail.plan = plan;
      trail.checks.push({ name: 'user', passed: true, reason: describePlan(plan) });
      if (trail.testRunId) return await this.finishTest(trail, null);

      trail.stage = 'sign-in';
      const user = await applyUserPlan(this.store, this.audit, team, idp, assertion, plan);
      const session = await this.accounts.issueToken(user, 'session');
      await this.audit({
        teamId: team.id,
        actor: { type: 'user', id: user.id, name: user.handle },
        action: 'sso.login',
        targetType: 'identity-provider',
        targetId: idp.id,
        details: { nameId: assertion.nameId, userId: user.id, requestId: trail.request?.id ?? null, idpInitiated: assertion.inResponseTo === null },
      });
      return { kind: 'signed-in', session, user, redirect: this.successRedirect(trail) };
    } catch (err) {
      if (!(err instanceof SsoRefusal)) throw err;
      if (!trail.checks.some((c) => !c.passed)) trail.checks.push({ name: trail.stage, passed: false, reason: err.message, label: err.label });
      if (trail.testRunId) return this.finishTest(trail, err);
      await this.audit({
        teamId: trail.team?.id ?? null,
        actor: anonymous(trail.assertion?.nameId ?? null),
        action: 'sso.login.refused',
        targetType: trail.idp ? 'identity-provider' : null,
        targetId: trail.idp?.id ?? null,
        details: { label: err.label, message: err.message, stage: trail.stage, nameId: trail.assertion?.nameId ?? null, requestId: trail.request?.id ?? null, team: trail.team ? undefined : sanitizeIdpText(teamIdParam, 64) },
      });
      this.logger.info({ teamId: trail.team?.id, idpId: trail.idp?.id, label: err.label, stage: trail.stage }, 'SAML sign-in refused');
      return { kind: 'refused', label: err.label, message: err.message, redirect: this.errorRedirect(trail, err.label) };
    }
  }

  /** The ACS form itself could not be read (too large, broken encoding): refused and audited like any other refusal. */
  async refuseUnreadableForm(teamIdParam: string, label: 'response-too-large' | 'response-missing'): Promise<AcsOutcome> {
    const team = isUuid(teamIdParam) ? await this.store.teams.get(teamIdParam.toLowerCase()) : null;
    const message =
      label === 'response-too-large'
        ? 'the posted form is larger than the ACS accepts (real SAML responses are well under 512 KiB)'
        : 'the posted form could not be read as application/x-www-form-urlencoded';
    await this.audit({ teamId: team?.id ?? null, actor: anonymous(null), action: 'sso.login.refused', targetType: null, targetId: null, details: { label, message, stage: 'response' } });
    this.logger.info({ teamId: team?.id, label }, 'SAML sign-in refused');
    return { kind: 'refused', label, message, redirect: withLabel(ERROR_PAGE, label) };
  }

  /** The IdP this response is verified against: the attempt's IdP, else the one whose entityID the response claims. */
  private async idpFor(team: Team, trail: Trail, samlResponse: string, now: Date): Promise<IdentityProvider> {
    if (trail.request) {
      const idp = await this.store.idps.get(team.id, trail.request.idpId);
      if (!idp) throw refuse('unknown-issuer', 'the identity provider this sign-in was started with has been deleted.');
      return idp;
    }
    const issuer = claimedIssuer(samlResponse);
    if (issuer === null) {
      // Unreadable: let the validator name the reason (base64, DOCTYPE, XML, size…).
      const result = await validateSamlResponse({ samlResponse, idp: { entityId: '', signingCerts: [] }, sp: this.sp(team.id), now });
      trail.checks.push(...result.checks.map(reportCheck));
      if (!result.ok) throw new SsoRefusal(result.label, result.message);
      throw refuse('unknown-issuer', 'the response names no Issuer.');
    }
    const idp = await this.store.idps.findByEntityId(team.id, issuer);
    if (!idp) throw refuse('unknown-issuer', `the response's Issuer "${sanitizeIdpText(issuer, 200)}" is not an identity provider of this team.`);
    return idp;
  }

  /** InResponseTo against the stored attempts: single use, expiring, same team and IdP; unsolicited only if allowed. */
  private async checkRequest(team: Team, idp: IdentityProvider, assertion: SamlAssertion, trail: Trail, browser: AcsBrowser, now: Date): Promise<void> {
    if (assertion.inResponseTo === null) {
      if (!idp.allowIdpInitiated)
        throw refuse('unsolicited-response', 'the response answers no sign-in request of ours (IdP-initiated); this connection does not allow IdP-initiated sign-in. Start from the login code or link, or let an admin turn on allow_idp_initiated.');
      if (trail.request && !trail.testRunId) trail.request = null; // the RelayState's attempt is not what this answers
      trail.checks.push({ name: 'request', passed: true, reason: 'IdP-initiated response, allowed by this connection' });
      return;
    }
    const consumed = await this.store.samlRequests.consume(assertion.inResponseTo, now.toISOString());
    if (consumed.status !== 'unknown' && consumed.request.teamId === team.id) {
      trail.request = consumed.request;
      trail.testRunId = consumed.request.testRunId;
    }
    const id = sanitizeIdpText(assertion.inResponseTo, 100);
    switch (consumed.status) {
      case 'unknown':
        throw refuse('unknown-request', `InResponseTo ${id} is not a sign-in request this instance sent (or it is long gone); start the sign-in again.`);
      case 'expired':
        throw refuse('request-expired', `the sign-in request ${id} expired at ${consumed.request.expiresAt}; start the sign-in again.`);
      case 'reused':
        throw refuse('request-reused', `the sign-in request ${id} was already answered at ${consumed.request.consumedAt}; each request works once.`);
    }
    if (consumed.request.teamId !== team.id || consumed.request.idpId !== idp.id)
      throw refuse('request-mismatch', `the sign-in request ${id} was sent to another identity provider or team.`);
    trail.checks.push({ name: 'request', passed: true, reason: `answers our request ${id} (now used up)` });
    // Login CSRF: a valid answer to a sign-in that another browser started must not sign this one in.
    if (!this.binding.startedHere(browser.bindingCookie, consumed.request.id))
      throw refuse(
        'login-not-started-here',
        `the response answers sign-in request ${id}, which was not started in this browser (its sign-in cookie is missing or belongs to other sign-ins); start the sign-in again from this browser.`,
      );
    trail.answered = consumed.request.id;
    trail.checks.push({ name: 'browser', passed: true, reason: 'the sign-in was started in this browser (request-binding cookie matches)' });
  }

  private successRedirect(trail: Trail): string {
    if (trail.request) return trail.request.successRedirect ?? DEFAULT_SUCCESS_REDIRECT;
    // IdP-initiated: the IdP's RelayState may name a target; only an allowed one is followed.
    return (trail.relayState && this.redirects.check(trail.relayState)) || DEFAULT_SUCCESS_REDIRECT;
  }

  private errorRedirect(trail: Trail, label: string): string {
    const base = trail.request?.errorRedirect ?? ERROR_PAGE;
    // Our own error page offers "Start again" with the same IdP when that is the fix…
    if (base === ERROR_PAGE && label === 'login-not-started-here' && trail.idp) return `${withLabel(base, label)}&idp=${trail.idp.id}`;
    // …and names the NameID format the IdP sent when that format is the problem.
    const format = trail.checks.find((c) => c.name === 'nameid-format' && c.received !== undefined)?.received;
    if (base === ERROR_PAGE && label === 'nameid-format-unsupported' && format) return `${withLabel(base, label)}&format=${encodeURIComponent(format)}`;
    return withLabel(base, label);
  }

  private async finishTest(trail: Trail, refusal: SsoRefusal | null): Promise<AcsOutcome> {
    const runId = trail.testRunId!;
    const a = trail.assertion;
    const report = testReport({ ...trail, refusal });
    const stored = await this.store.samlTestRuns.complete(runId, report, nowIso());
    if (stored && trail.team) {
      await this.audit({
        teamId: trail.team.id,
        actor: anonymous(a?.nameId ?? null),
        action: 'idp.test.completed',
        targetType: 'identity-provider',
        targetId: trail.idp?.id ?? null,
        details: { testRun: runId, outcome: report.outcome, label: report.label, message: report.message },
      });
    }
    return { kind: 'tested', runId, passed: !refusal, redirect: `/sso/test-result/${runId}` };
  }
}
