import cookieParser from 'cookie-parser';
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { AccountService, Authenticated } from '../accounts/account-service';
import type { Config } from '../config';
import { forbidden, notFound } from '../http/errors';
import { errorFormat } from '../http/middleware';
import type { IdentityProvider } from '../store/port';
import { parseLoginCode } from '../accounts/login-code';
import { authenticateWith, type Authenticator } from '../http/passport';
import { SESSION_COOKIE, setSessionCookie } from '../http/session-cookie';
import type { SessionRefusal } from '../http/session-cookie-strategy';
import type { CookieToSet } from './request-binding';
import { bindingCookieOf } from './saml-acs-strategy';
import { newCspNonce, sendAutoPostPage, sendTestResultPage } from './sso-pages';
import type { AcsOutcome, SsoService } from './sso-service';

/** Base64 SAMLResponse is capped at 512 KiB by the validator; form encoding adds a little. */
const ACS_BODY_LIMIT = 1024 * 1024;

function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
}

function setBindingCookie(res: Response, cookie: CookieToSet | undefined): void {
  if (!cookie) return;
  if (cookie.value) res.cookie(cookie.name, cookie.value, cookie.options);
  else res.clearCookie(cookie.name, { ...cookie.options, maxAge: undefined });
}

const unknownIdp = () => notFound('unknown-idp', 'No identity provider has this id or login code; it may have been replaced or deleted. Ask your team admin for the current login code.');

/** The browser side of SAML sign-in, the SP metadata, the ACS, and POST /access. */
export interface SsoRouteDeps {
  sso: SsoService;
  accounts: AccountService;
  passport: Authenticator;
  config: Config;
  /** Told every ACS outcome: 'ok', 'test', or the refusal label (a bounded set: metrics label it). */
  onAcsOutcome?: (outcome: string) => void;
}

export function ssoRoutes(deps: SsoRouteDeps): Router {
  const { sso, accounts, config } = deps;
  const report = (outcome: AcsOutcome) => deps.onAcsOutcome?.(outcome.kind === 'signed-in' ? 'ok' : outcome.kind === 'tested' ? 'test' : outcome.label);
  const router = Router();

  router.get('/sso/metadata/:team', async (req, res) => {
    const xml = await sso.spMetadata(String(req.params.team));
    if (!xml) throw notFound('team-not-found', `No team with id ${String(req.params.team).slice(0, 64)}.`);
    res.type('application/samlmetadata+xml').send(xml);
  });

  router.get('/sso/settings', (_req, res) => {
    res.json({ default_sso_code: config.defaultSsoCode ?? null });
  });


  const sendAuthnRequest = async (req: Request, res: Response, idp: IdentityProvider, redirects: { successRedirect: string | null; errorRedirect: string | null }, testRunId: string | null) => {
    const nonce = newCspNonce();
    const request = await sso.initiate(idp, { ...redirects, testRunId, cspNonce: nonce, bindingCookie: bindingCookieOf(sso, req) });
    setBindingCookie(res, request.bindingCookie);
    if (request.html) return sendAutoPostPage(res, request.html, nonce, idp.ssoPostUrl!);
    noStore(res);
    res.redirect(302, request.url!);
  };

  const browser = errorFormat('html');
  // The request-binding cookie is read on every sign-in start and at the ACS.
  const cookies = cookieParser();

  // HEAD answers whether the IdP exists without starting anything (clients probe login codes this way).
  router.head('/sso/initiate-login/:idp', async (req, res) => {
    noStore(res);
    res.status((await sso.idpForLogin(String(req.params.idp))) ? 200 : 404).end();
  });

  router.get('/sso/initiate-login/:idp', browser, cookies, async (req, res) => {
    const idp = await sso.idpForLogin(String(req.params.idp));
    if (!idp) throw unknownIdp();
    const successRedirect = sso.redirects.fromQuery(req.query.success_redirect, 'success_redirect', null);
    const errorRedirect = sso.redirects.fromQuery(req.query.error_redirect, 'error_redirect', null);
    await sendAuthnRequest(req, res, idp, { successRedirect, errorRedirect }, null);
  });

  // A login code or link: `sso-<idp>` (or just the id, any case) → the AuthnRequest.
  router.get('/sso/start/:code', browser, cookies, async (req, res) => {
    const idpId = parseLoginCode(String(req.params.code));
    const idp = idpId ? await sso.idpForLogin(idpId) : null;
    if (!idp) throw unknownIdp();
    const successRedirect = sso.redirects.fromQuery(req.query.success_redirect, 'success_redirect', null);
    const errorRedirect = sso.redirects.fromQuery(req.query.error_redirect, 'error_redirect', null);
    await sendAuthnRequest(req, res, idp, { successRedirect, errorRedirect }, null);
  });

  // "Test connection": a real AuthnRequest whose answer the ACS only reports on.
  router.get('/sso/test/:run', browser, cookies, async (req, res) => {
    const open = await sso.openTestRun(String(req.params.run));
    if (!open) throw notFound('test-run-closed', 'This test link is unknown, already used or expired; start a new test from the SSO page.');
    const result = `/sso/test-result/${open.runId}`;
    await sendAuthnRequest(req, res, open.idp, { successRedirect: result, errorRedirect: result }, open.runId);
  });

  router.get('/sso/test-result/:run', async (req, res) => {
    sendTestResultPage(res, await sso.testRunOutcome(String(req.params.run)), { demo: config.demo });
  });

  const acsBody = express.urlencoded({ extended: false, limit: ACS_BODY_LIMIT, parameterLimit: 20 });
  // passport's SamlAcsStrategy runs SsoService.finalize: a sign-in succeeds, a refusal or test run fails; both redirect.
  const acs = authenticateWith<AcsOutcome, AcsOutcome>(deps.passport, 'saml-acs', (verdict, req, res) => {
    const outcome = verdict.ok ? verdict.principal : verdict.reason;
    report(outcome);
    setBindingCookie(res, outcome.bindingCookie);
    if (outcome.kind === 'signed-in') {
      setSessionCookie(res, config, outcome.session.secret, outcome.session.expiresIn);
      req.log.info({ userId: outcome.user.id, teamId: outcome.user.teamId }, 'SAML sign-in');
    }
    res.redirect(303, outcome.redirect);
  });
  router.post('/sso/finalize-login/:team', browser, cookies, acsBody, (req, res, next) => {
    noStore(res);
    acs(req, res, next);
  });
  // An oversized or unreadable form is still a refusal with a label (and an audit entry), not a bare 413.
  const acsBodyErrors: ErrorRequestHandler = async (err, req, res, next) => {
    const type = (err as { type?: string }).type;
    if (type !== 'entity.too.large' && type !== 'entity.parse.failed') return next(err);
    try {
      const outcome = await sso.refuseUnreadableForm(String(req.params.team), type === 'entity.too.large' ? 'response-too-large' : 'response-missing');
      report(outcome);
      noStore(res);
      res.redirect(303, outcome.redirect);
    } catch (e) {
      next(e);
    }
  };
  router.use('/sso/finalize-login/:team', acsBodyErrors);

  // API clients that signed in through the browser exchange the session cookie for an access token.
  const session = authenticateWith<Authenticated, SessionRefusal>(deps.passport, 'session-cookie', (verdict, _req, res, next) => {
    if (!verdict.ok) throw forbidden('invalid-session', `Sign in first (enterprise login sets the ${SESSION_COOKIE} cookie); the session is missing or expired.`);
    const auth = verdict.principal;
    accounts.issueToken(auth.user, 'access').then((token) => {
      noStore(res);
      res.json({ access_token: token.secret, token_type: 'Bearer', expires_in: token.expiresIn, user: auth.user.id });
    }, next);
  });
  router.post('/access', cookieParser(), session);

  return router;
}
