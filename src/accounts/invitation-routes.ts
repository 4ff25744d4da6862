import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { authOf, requireAccess, requireAdminRole } from '../http/auth';
import { AppError, badRequest } from '../http/errors';
import { mintLimiter } from '../http/rate-limits';
import { escapeHtml } from '../mail/html';
import { formatExpiry } from '../mail/invitation-mail';
import type { AccountService } from './account-service';
import { InvitationLinkError, type InvitationService } from './invitation-service';
import { MIN_PASSWORD_LENGTH } from './passwords';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The accept page (`/invitations/accept?token=…`) and the admin API (`/users/{id}/invitation`).
 *
 * CSRF: the accept form carries no separate CSRF token on purpose. Its POST only does anything with
 * the invitation's own 256-bit secret (a hidden field copied from the link), which a cross-site
 * attacker cannot know; and accepting signs nobody in (no cookie is set), so forcing a victim's
 * browser to accept the attacker's own invitation gains the attacker nothing. The secret in the URL
 * does not leak through Referer (helmet sends Referrer-Policy: no-referrer) and pages are no-store.
 */
export function invitationRoutes(deps: { accounts: AccountService; invitations: InvitationService }): Router {
  const { invitations } = deps;
  const router = Router();
  // Per app instance, so two apps in one process (tests) do not share counters.
  const acceptLimiter = createAcceptLimiter();
  const resendPerUserLimiter = createResendPerUserLimiter();

  router.get('/invitations/accept', htmlRoute(async (req, res) => {
    const token = req.query.token;
    const { team, user, invitation } = await invitations.check(token);
    sendPage(res, 200, `Join ${team.name}`, acceptForm({ token: String(token), teamName: team.name, email: user.email ?? invitation.email, expiresAt: invitation.expiresAt }));
  }));

  router.post(
    '/invitations/accept',
    acceptLimiter,
    express.urlencoded({ extended: false, limit: '16kb' }),
    htmlRoute(async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      try {
        const user = await invitations.accept(body.token, body.password, body.password_confirmation);
        sendPage(res, 200, 'Account activated', `<h1>Your account is active</h1>
<p>You can now sign in as <strong>${escapeHtml(user.email ?? '')}</strong> with the password you just chose.</p>`);
      } catch (e) {
        // A password problem re-shows the form (the link is still good); a link problem gets its page.
        if (e instanceof AppError && !(e instanceof InvitationLinkError) && e.status === 400) {
          const { team, user, invitation } = await invitations.check(body.token);
          sendPage(res, 400, `Join ${team.name}`, acceptForm({ token: String(body.token), teamName: team.name, email: user.email ?? invitation.email, expiresAt: invitation.expiresAt, error: e.message }));
          return;
        }
        throw e;
      }
    }),
  );

  const admin = [requireAccess(deps.accounts), requireAdminRole];
  const userId = (req: Request) => {
    const id = String(req.params.id);
    if (!UUID.test(id)) throw badRequest('invalid-id', 'The user id in the path must be a UUID.');
    return id;
  };

  router.get('/users/:id/invitation', ...admin, async (req, res) => {
    res.json(await invitations.status(authOf(res).team.id, userId(req)));
  });

  router.post('/users/:id/invitation', ...admin, mintLimiter('invitation requests'), resendPerUserLimiter, async (req, res) => {
    const { user, team } = authOf(res);
    const status = await invitations.resend(team.id, userId(req), { type: 'user', id: user.id, name: user.email ?? user.handle });
    res.status(202).json(status);
  });

  return router;
}

/** A user can be re-sent an invitation 5 times in 15 minutes: enough for typos, not for mail-bombing. */
const createResendPerUserLimiter = () => rateLimit({
  windowMs: 15 * 60_000,
  limit: 5,
  standardHeaders: 'draft-8',
  legacyHeaders: false,
  keyGenerator: (req) => `resend:${String(req.params.id)}`,
  handler: (_req, _res, next) => next(new AppError(429, 'too-many-requests', 'This user was sent 5 invitations in the last 15 minutes; wait a few minutes before sending another.')),
});

/** Each acceptance costs an argon2 hash: bound it per address. */
const createAcceptLimiter = () => rateLimit({
  windowMs: 60_000,
  limit: 20,
  standardHeaders: 'draft-8',
  legacyHeaders: false,
  keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
  handler: (_req, res) => sendPage(res, 429, 'Too many attempts', '<h1>Too many attempts</h1><p>Wait a minute and try again.</p>'),
});

/** Renders AppErrors of these routes as pages (the account API renders JSON). */
function htmlRoute(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req, res, next) => {
    try {
      await handler(req, res);
    } catch (e) {
      if (!(e instanceof AppError)) return next(e);
      const title = e instanceof InvitationLinkError ? LINK_TITLES[e.problem] : 'Something is not right';
      const expiry = e instanceof InvitationLinkError && e.expiresAt ? `<p>It expired on ${escapeHtml(formatExpiry(new Date(e.expiresAt)))}.</p>` : '';
      sendPage(res, e.status, title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(e.message)}</p>${expiry}`);
    }
  };
}

const LINK_TITLES: Record<InvitationLinkError['problem'], string> = {
  invalid: 'Invitation link not valid',
  expired: 'Invitation expired',
  used: 'Invitation already used',
  replaced: 'Invitation replaced',
  'not-pending': 'Invitation cannot be used',
};

function acceptForm(input: { token: string; teamName: string; email: string; expiresAt: string; error?: string }): string {
  const error = input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : '';
  return `<h1>Join ${escapeHtml(input.teamName)}</h1>
<p>Choose a password for <strong>${escapeHtml(input.email)}</strong>. This link expires on ${escapeHtml(formatExpiry(new Date(input.expiresAt)))}.</p>
${error}<form method="post" action="accept">
<input type="hidden" name="token" value="${escapeHtml(input.token)}">
<input type="email" name="email" value="${escapeHtml(input.email)}" autocomplete="username" readonly hidden>
<label>Password (at least ${MIN_PASSWORD_LENGTH} characters)<br><input type="password" name="password" minlength="${MIN_PASSWORD_LENGTH}" required autocomplete="new-password"></label>
<label>Repeat the password<br><input type="password" name="password_confirmation" minlength="${MIN_PASSWORD_LENGTH}" required autocomplete="new-password"></label>
<button type="submit">Activate account</button>
</form>`;
}

function sendPage(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .type('html')
    .send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Gatehouse</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; color: #1a1a1a; }
label { display: block; margin: 1rem 0; }
input { width: 100%; padding: .5rem; box-sizing: border-box; }
button { padding: .6rem 1.2rem; }
.error { color: #a40000; }
</style>
</head>
<body>
${body}
</body>
</html>
`);
}
