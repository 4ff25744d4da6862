import { Router, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from '../../http/errors';
import { setFlash } from '../pages';
import { clearSessionCookie, sessionSecretOf, setSessionCookie } from '../../http/session-cookie';
import { isTeamAdmin, safeReturnPath, viewerOf } from '../session';
import type { WebContext } from '../web-context';

const HOME = '/admin/people';

/** /admin/login and /admin/logout: email + password → a `session` token in the gh_session cookie. */
export function signInRoutes(ctx: WebContext): Router {
  const { pages, services } = ctx;
  const { accounts, config } = services;
  const router = Router();
  const limiters = services.rateLimits.login(config.loginRateLimit);

  const renderForm = (req: Request, res: Response, input: { email?: string; next: string; error?: string }, status = 200) =>
    pages.render(req, res, 'admin/login', { title: 'Sign in', email: input.email ?? '', next: input.next, error: input.error ?? null }, status);

  /** The rate limiters answer with the sign-in form and a friendly sentence instead of an error page. */
  const rateLimited: RequestHandler = (req, res, next) => {
    const run = (i: number): void => {
      if (i === limiters.length) return next();
      void limiters[i]!(req, res, (err?: unknown) => {
        if (err instanceof AppError && err.status === 429) {
          return renderForm(req, res, { email: String(req.body?.email ?? ''), next: safeReturnPath(req.body?.next, '/admin/', HOME), error: `Too many sign-in attempts. For your security, please wait a few minutes and try again. (${err.message})` }, 429);
        }
        if (err) return next(err);
        run(i + 1);
      });
    };
    run(0);
  };

  router.get('/login', (req, res) => {
    const next = safeReturnPath(req.query.next, '/admin/', HOME);
    if (isTeamAdmin(viewerOf(res))) return res.redirect(303, next);
    renderForm(req, res, { next });
  });

  router.post('/login', rateLimited, async (req, res) => {
    const email = typeof req.body?.email === 'string' ? req.body.email.trim().slice(0, 254) : '';
    const next = safeReturnPath(req.body?.next, '/admin/', HOME);
    if (!email || typeof req.body?.password !== 'string' || !req.body.password)
      return renderForm(req, res, { email, next, error: 'Enter both your email address and your password.' }, 400);
    let user;
    try {
      user = await accounts.checkCredentials(email, req.body.password);
    } catch (err) {
      if (err instanceof AppError && err.status < 500) return renderForm(req, res, { email, next, error: err.message }, err.status);
      throw err;
    }
    if (user.role !== 'owner' && user.role !== 'admin')
      return renderForm(req, res, { email, next, error: 'Team management is only for team owners and admins. To sign in with your company account, use enterprise login.' }, 403);
    const old = sessionSecretOf(req);
    if (old) await accounts.revoke(old);
    const session = await accounts.issueToken(user, 'session');
    setSessionCookie(res, config, session.secret, session.expiresIn);
    req.log.info({ userId: user.id, teamId: user.teamId }, 'admin page sign-in');
    res.redirect(303, next);
  });

  router.post('/logout', async (req, res) => {
    const secret = sessionSecretOf(req);
    if (secret) await accounts.revoke(secret);
    clearSessionCookie(res, config);
    setFlash(res, { kind: 'info', text: 'You are signed out.' });
    res.redirect(303, '/admin/login');
  });

  return router;
}
