import { Router, type Request, type RequestHandler, type Response } from 'express';
import { allowFormsToLeadOffSite } from './csp';
import { parseLoginCode } from '../accounts/login-code';
import { clearSessionCookie, sessionSecretOf } from '../http/session-cookie';
import { requireViewer, viewerOf } from './session';
import { ssoErrorMessage } from './sso-error-messages';
import type { WebContext } from './web-context';

export interface PublicPageOptions {
  /** Is this IdP id one of the instance's identity providers? (SAML plugs in the real lookup.) */
  identityProviderExists: (idpId: string) => Promise<boolean>;
}

const ROLE_NAMES = { owner: 'Owner', admin: 'Admin', member: 'Member' } as const;

/** The pages anyone can reach: landing, enterprise login, the signed-in page, SSO errors. */
export function publicPages(ctx: WebContext, page: RequestHandler[], form: RequestHandler[], options: PublicPageOptions): Router {
  const { pages, services } = ctx;
  const { config } = services;
  const router = Router();

  router.get('/', ...page, (req, res) => {
    pages.render(req, res, 'home', { title: 'Welcome', host: new URL(config.publicUrl).host });
  });

  const renderLogin = (req: Request, res: Response, code: string, error: string | null, status = 200) => {
    allowFormsToLeadOffSite(res, !config.secureCookies);
    pages.render(req, res, 'login', { title: 'Enterprise login', code, error }, status);
  };

  router.get('/login', ...page, (req, res) => {
    const prefill = typeof req.query.code === 'string' ? req.query.code.slice(0, 100) : (config.defaultSsoCode ?? '');
    renderLogin(req, res, prefill, null);
  });

  router.post('/login/code', ...form, async (req, res) => {
    const typed = typeof req.body?.code === 'string' ? req.body.code.slice(0, 2048) : '';
    if (!typed.trim()) return renderLogin(req, res, '', 'Enter the login code your team admin gave you.', 400);
    const idpId = parseLoginCode(typed);
    if (!idpId)
      return renderLogin(req, res, typed.trim().slice(0, 100), 'That is not a login code. A login code is “sso-” followed by 36 letters, digits and dashes; copy it again from your admin\'s message.', 400);
    if (!(await options.identityProviderExists(idpId)))
      return renderLogin(req, res, typed.trim().slice(0, 100), `Unknown code: no identity provider uses sso-${idpId}. It may have been replaced or removed; ask your team admin for the current code.`, 404);
    res.redirect(303, `/sso/start/${idpId}`);
  });

  router.get('/me', ...page, (req, res) => {
    if (!viewerOf(res)) return res.redirect(303, '/login');
    const { user } = requireViewer(res);
    const initials = [...user.displayName.trim()].filter((_, i, all) => i === 0 || all[i - 1] === ' ').slice(0, 2).join('').toUpperCase() || '?';
    pages.render(req, res, 'me', { title: 'My account', initials, role: ROLE_NAMES[user.role] });
  });

  router.post('/me/logout', ...form, async (req, res) => {
    const secret = sessionSecretOf(req);
    if (secret) await services.accounts.revoke(secret);
    clearSessionCookie(res, config);
    res.redirect(303, '/login');
  });

  router.get('/sso/error', ...page, (req, res) => {
    const raw = typeof req.query.label === 'string' ? req.query.label : '';
    const label = /^[a-z0-9-]{1,64}$/.test(raw) ? raw : null;
    // The ACS names the IdP of the attempt when starting again from this browser is the fix.
    const idp = typeof req.query.idp === 'string' && /^[0-9a-f-]{36}$/.test(req.query.idp) ? req.query.idp : null;
    // A refused NameID format is named (escaped by the template; bounded and printable only).
    const format = label === 'nameid-format-unsupported' && typeof req.query.format === 'string' && /^[\x20-\x7e]{1,200}$/.test(req.query.format) ? req.query.format : null;
    pages.render(req, res, 'sso-error', { title: 'Sign-in refused', label, message: ssoErrorMessage(label), startAgain: idp ? `/sso/start/${idp}` : null, receivedFormat: format });
  });

  return router;
}
