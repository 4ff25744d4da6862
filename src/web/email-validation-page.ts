import { Router, type Request, type RequestHandler, type Response } from 'express';
import { InvitationLinkError } from '../accounts/invitation-service';
import { AppError } from '../http/errors';
import { formatExpiry } from '../mail/link-mail';
import type { WebContext } from './web-context';

const TITLES: Record<InvitationLinkError['problem'], string> = {
  invalid: 'Validation link not valid',
  expired: 'Validation link expired',
  used: 'Validation link already used',
  replaced: 'Validation link replaced',
  'not-pending': 'Validation link cannot be used',
};

/**
 * The page of the email-validation link (`/email-validation?token=…`), for people who are not
 * signed in. Opening the link shows the address and one button; the POST validates. A GET alone
 * does not: mail scanners (Safe Links and the like) open every link in a message, and an address
 * "validated" by the recipient's scanner would prove nothing about the person (docs/DECISIONS.md).
 */
export function emailValidationPage(ctx: WebContext, page: RequestHandler[], form: RequestHandler[]): Router {
  const { pages, services } = ctx;
  const router = Router();
  const attempts = services.rateLimits.mint('email validation attempts from your network');

  const renderProblem = (req: Request, res: Response, e: AppError) => {
    const title = e instanceof InvitationLinkError ? TITLES[e.problem] : e.status === 429 ? 'Too many attempts' : 'Email not validated';
    const expired = e instanceof InvitationLinkError && e.expiresAt ? formatExpiry(new Date(e.expiresAt)) : null;
    pages.render(req, res, 'email-validation', { title, state: 'problem', status: e.status, label: e.label, message: e.message, expired }, e.status);
  };
  /** Link problems and client mistakes get this page; anything else the pages' error renderer. */
  const handled = (handler: (req: Request, res: Response) => Promise<void>): RequestHandler => async (req, res, next) => {
    try {
      await handler(req, res);
    } catch (e) {
      if (e instanceof AppError && e.status < 500) return renderProblem(req, res, e);
      next(e);
    }
  };

  router.get('/email-validation', ...page, handled(async (req, res) => {
    const token = req.query.token;
    const link = await services.emailValidation.check(token);
    pages.render(req, res, 'email-validation', { title: 'Confirm your email address', state: 'form', token: String(token), email: link.email, teamName: link.team.name, expires: formatExpiry(new Date(link.expiresAt)) });
  }));

  router.post('/email-validation', ...form, attempts, handled(async (req, res) => {
    const user = await services.emailValidation.validate((req.body ?? {}).token);
    const team = await services.accounts.requireTeam(user.teamId);
    pages.render(req, res, 'email-validation', { title: 'Email validated', state: 'done', email: user.email ?? '', teamName: team.name });
  }));

  return router;
}
