import { Router, type Request, type RequestHandler, type Response } from 'express';
import { whyNotHandable } from '../../accounts/directory-handover';
import { whyNotManageable, type StatusChange } from '../../accounts/people-service';
import { AppError, notFound } from '../../http/errors';
import type { User } from '../../store/port';
import { withQuery } from '../format';
import { setFlash } from '../pages';
import { requireViewer, safeReturnPath } from '../session';
import { PAGE_SIZE, UUID_PATTERN, pageNumber, queryText, type AdminSection, type WebContext } from '../web-context';

function emailOf(user: User): string | null {
  if (user.email) return user.email;
  const emails = user.scim.emails;
  if (!Array.isArray(emails)) return null;
  const typed = emails as Array<{ value?: unknown; primary?: unknown }>;
  const pick = typed.find((e) => e.primary === true) ?? typed[0];
  return typeof pick?.value === 'string' ? pick.value : null;
}

export const peopleSection: AdminSection = {
  nav: { section: 'Team', href: '/admin/people', label: 'People' },
  routes(ctx: WebContext) {
    const { pages, services } = ctx;
    const { people: peopleService } = services;
    const router = Router();

    router.get('/people', async (req, res) => {
      const { team, user: me } = requireViewer(res);
      const q = queryText(req.query.q);
      const page = pageNumber(req.query.page);
      const result = await peopleService.list(team.id, q, (page - 1) * PAGE_SIZE + 1, PAGE_SIZE);
      const emailStates = await services.emailValidation.statesOf(team.id, result.items);
      const people = result.items.map((u) => {
        const blocked = whyNotManageable(me, u);
        const emailState = emailStates.get(u.id) ?? null;
        return {
          id: u.id, displayName: u.displayName, handle: u.handle, email: emailState?.email ?? emailOf(u), emailState, role: u.role, status: u.status, managedBy: u.managedBy, version: u.version,
          isSelf: u.id === me.id,
          canSuspend: !blocked && u.status === 'active',
          canReinstate: !blocked && u.status === 'suspended',
          canResend: u.status === 'pending' && u.email !== null && u.id !== me.id,
          canHandOver: whyNotHandable(me, u) === null,
        };
      });
      const pagesTotal = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
      const first = result.total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
      pages.render(req, res, 'admin/people', {
        title: 'People', admin: true, q, total: result.total, people,
        // Re-sending is refused while email validation is off: no button to fail.
        canResendValidation: team.validateSamlEmails,
        back: withQuery('/admin/people', { q, page: page > 1 ? page : undefined }),
        pager: {
          prev: page > 1 ? withQuery('/admin/people', { q, page: page - 1 }) : null,
          next: page < pagesTotal ? withQuery('/admin/people', { q, page: page + 1 }) : null,
          info: result.total === 0 ? '' : `${first}–${first + result.items.length - 1} of ${result.total} · page ${page} of ${pagesTotal}`,
        },
      });
    });

    const changeStatus = (change: StatusChange, done: (u: User) => string) =>
      async (req: Request, res: Response) => {
        const back = safeReturnPath(req.body?.back, '/admin/people', '/admin/people');
        const result = await peopleService.changeStatus(requireViewer(res), String(req.params.id), change, req.body?.version);
        const { user } = result;
        if (result.kind === 'already') setFlash(res, { kind: 'info', text: `${user.displayName} is already ${change.to === 'suspended' ? 'suspended' : 'active'}.` });
        else if (result.kind === 'conflict') setFlash(res, { kind: 'error', text: `${user.displayName} was changed by someone else while you were looking. Check their status below and try again.` });
        else setFlash(res, { kind: 'success', text: done(user) });
        res.redirect(303, back);
      };

    /**
     * "Resend invitation": InvitationService.resend, the same as POST /users/{id}/invitation, with the
     * same limits (30 a minute per address; 5 per person in 15 minutes). A limit reached is a
     * sentence on the People page, not an error page.
     */
    const perPersonLimiter = services.rateLimits.resendPerPerson(
      'page-resend',
      (req, res) => `page-resend:${requireViewer(res).team.id}:${String(req.params.id)}`,
      'This person was sent 5 invitations in the last 15 minutes; wait a few minutes before sending another.',
    );
    const friendlyLimit = (limiter: RequestHandler) => (req: Request, res: Response, next: (err?: unknown) => void) =>
      limiter(req, res, (err?: unknown) => {
        if (err instanceof AppError && err.status === 429) {
          setFlash(res, { kind: 'error', text: `Not sent: ${err.message}` });
          return res.redirect(303, safeReturnPath(req.body?.back, '/admin/people', '/admin/people'));
        }
        next(err);
      });

    router.post('/people/:id/invitation', friendlyLimit(services.rateLimits.mint('invitation requests')), friendlyLimit(perPersonLimiter), async (req, res) => {
      const { team, user: me } = requireViewer(res);
      const back = safeReturnPath(req.body?.back, '/admin/people', '/admin/people');
      const id = String(req.params.id);
      if (!UUID_PATTERN.test(id)) throw notFound('user-not-found', 'This person is no longer in your team. Go back to People and reload the list.');
      try {
        const sent = await services.invitations.resend(team.id, id, { type: 'user', id: me.id, name: me.email ?? me.handle });
        setFlash(res, { kind: 'success', text: `Sent a new invitation to ${sent.sent_to}. The link in earlier invitations no longer works.` });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        setFlash(res, { kind: 'error', text: `Not sent: ${err.message}` });
      }
      res.redirect(303, back);
    });

    /** "Re-send validation": EmailValidationService.resend, as POST /users/{id}/email-validation, with the same limits. */
    const validationPerPerson = services.rateLimits.resendPerPerson(
      'page-email-validation',
      (req, res) => `page-email-validation:${requireViewer(res).team.id}:${String(req.params.id)}`,
      'This person was sent 5 validation mails in the last 15 minutes; wait a few minutes before sending another.',
    );
    router.post('/people/:id/email-validation', friendlyLimit(services.rateLimits.mint('email validation requests')), friendlyLimit(validationPerPerson), async (req, res) => {
      const { team, user: me } = requireViewer(res);
      const back = safeReturnPath(req.body?.back, '/admin/people', '/admin/people');
      const id = String(req.params.id);
      if (!UUID_PATTERN.test(id)) throw notFound('user-not-found', 'This person is no longer in your team. Go back to People and reload the list.');
      try {
        const sent = await services.emailValidation.resend(team.id, id, { type: 'user', id: me.id, name: me.email ?? me.handle });
        setFlash(res, { kind: 'success', text: `Sent a new validation mail to ${sent.email}. The link in earlier mails no longer works.` });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        setFlash(res, { kind: 'error', text: `Not sent: ${err.message}` });
      }
      res.redirect(303, back);
    });

    /** "Hand to directory": DirectoryHandover, as POST /users/{id}/hand-to-directory; a refusal is a sentence on the page. */
    router.post('/people/:id/hand-to-directory', async (req, res) => {
      const back = safeReturnPath(req.body?.back, '/admin/people', '/admin/people');
      try {
        const user = await services.handover.handOver(requireViewer(res), String(req.params.id));
        setFlash(res, { kind: 'success', text: `Handed ${user.displayName} to the directory. Your identity provider (SCIM) can now see, change, suspend and delete them; until it does, they keep signing in with their password.` });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        setFlash(res, { kind: 'error', text: `Not handed over: ${err.message}` });
      }
      res.redirect(303, back);
    });

    router.post('/people/:id/suspend', changeStatus({ from: 'active', to: 'suspended', action: 'user.suspended' }, (u) => `Suspended ${u.displayName}. They are signed out and cannot sign in until you reinstate them.`));
    router.post('/people/:id/reinstate', changeStatus({ from: 'suspended', to: 'active', action: 'user.reinstated' }, (u) => `Reinstated ${u.displayName}. They can sign in again.`));
    return router;
  },
};
