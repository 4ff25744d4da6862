import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import cookieParser from 'cookie-parser';
import { InvitationLinkError, type CheckedLink, type InvitationService } from '../accounts/invitation-service';
import { MIN_PASSWORD_LENGTH } from '../accounts/passwords';
import type { Config } from '../config';
import { AppError } from '../http/errors';
import { errorFormat } from '../http/middleware';
import { ipKey, type RateLimits } from '../http/rate-limits';
import { formatExpiry } from '../mail/link-mail';
import { createCsrf } from './csrf';
import { Pages } from './pages';

export interface InvitationPageDeps {
  config: Config;
  invitations: InvitationService;
  rateLimits: RateLimits;
  /** The CSRF key from the store (the same one the other pages use). */
  csrfSecret: string | null;
}

/**
 * The accept page (`/invitations/accept?token=…`, views/invitation.eta in the pages' layout); the
 * admin API (`/users/{id}/invitation`) is in src/accounts/invitation-routes.ts.
 *
 * The accept form is CSRF-protected like every page form (csrf.ts: double-submit cookie +
 * hidden field). It would be safe without: its POST does nothing without the invitation's own
 * 256-bit secret, which a cross-site attacker cannot know, and accepting signs nobody in. The
 * secret in the URL does not leak through Referer (helmet: Referrer-Policy no-referrer); pages are
 * no-store.
 */
export function invitationPages(deps: InvitationPageDeps): Router {
  const { invitations, config, rateLimits } = deps;
  const router = Router();
  // Same key and cookie as the other pages, so the tokens are interchangeable.
  const csrf = createCsrf(config, deps.csrfSecret);
  const pages = new Pages(config, csrf, () => []);
  const acceptLimiter = createAcceptLimiter(rateLimits, (req, res) => renderProblem(pages, req, res, new AppError(429, 'too-many-requests', 'Too many attempts from your network. Wait a minute and try again.')));
  const noStore: RequestHandler = (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
  const page: RequestHandler[] = [errorFormat('html'), noStore, cookieParser()];
  const form: RequestHandler[] = [...page, acceptLimiter, express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }), csrf.protect];

  const renderForm = (req: Request, res: Response, link: CheckedLink, token: string, error: string | null = null, status = 200) =>
    pages.render(req, res, 'invitation', {
      title: `Join ${link.team.name}`,
      state: 'form',
      token,
      teamName: link.team.name,
      email: link.user.email ?? link.invitation.email,
      expires: formatExpiry(new Date(link.invitation.expiresAt)),
      minLength: MIN_PASSWORD_LENGTH,
      error,
    }, status);

  router.get('/invitations/accept', ...page, htmlRoute(pages, async (req, res) => {
    const token = req.query.token;
    renderForm(req, res, await invitations.check(token), String(token));
  }));

  router.post('/invitations/accept', ...form, htmlRoute(pages, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const user = await invitations.accept(body.token, body.password, body.password_confirmation);
      pages.render(req, res, 'invitation', { title: 'Account activated', state: 'done', email: user.email ?? '' });
    } catch (e) {
      // A password problem re-shows the form (the link is still good); a link problem gets its page.
      if (e instanceof AppError && !(e instanceof InvitationLinkError) && e.status === 400) {
        return renderForm(req, res, await invitations.check(body.token), String(body.token), e.message, 400);
      }
      throw e;
    }
  }));

  return router;
}

/** Each acceptance costs an argon2 hash: bound it per address. */
const createAcceptLimiter = (rateLimits: RateLimits, render: (req: Request, res: Response) => void) =>
  rateLimits.limiter({
    name: 'invitation-accept',
    windowMs: 60_000,
    limit: 20,
    key: ipKey,
    handler: (req, res) => render(req, res),
  });

const LINK_TITLES: Record<InvitationLinkError['problem'], string> = {
  invalid: 'Invitation link not valid',
  expired: 'Invitation expired',
  used: 'Invitation already used',
  replaced: 'Invitation replaced',
  'not-pending': 'Invitation cannot be used',
};

function renderProblem(pages: Pages, req: Request, res: Response, e: AppError): void {
  const title = e instanceof InvitationLinkError ? LINK_TITLES[e.problem] : e.status === 429 ? 'Too many attempts' : 'That did not work';
  const expired = e instanceof InvitationLinkError && e.expiresAt ? formatExpiry(new Date(e.expiresAt)) : null;
  pages.render(req, res, 'invitation', { title, state: 'problem', status: e.status, label: e.label, message: e.message, expired }, e.status);
}

/** Link problems get their own page; other errors go to the pages' error renderer (errorFormat html). */
function htmlRoute(pages: Pages, handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req, res, next) => {
    try {
      await handler(req, res);
    } catch (e) {
      if (e instanceof InvitationLinkError) return renderProblem(pages, req, res, e);
      next(e);
    }
  };
}
