import { Router, type Request, type RequestHandler, type Response } from 'express';
import { AppError, forbidden, notFound } from '../../http/errors';
import type { FilterNode } from '../../store/query';
import { VersionConflictError, type User, type UserStatus } from '../../store/port';
import { withQuery } from '../format';
import { setFlash } from '../pages';
import { requireViewer, safeReturnPath } from '../session';
import { PAGE_SIZE, UUID_PATTERN, pageNumber, queryText, type AdminSection, type WebContext } from '../web-context';

/** displayName co q or userName co q or emails.value co q (case-insensitive). */
export function peopleSearchFilter(q: string): FilterNode {
  const co = (attr: string, sub?: string): FilterNode => ({ kind: 'compare', path: sub ? { attr, sub } : { attr }, op: 'co', value: q, caseExact: false });
  return { kind: 'or', left: { kind: 'or', left: co('displayName'), right: co('userName') }, right: co('emails', 'value') };
}

/** SCIM users only change through their IdP; nobody suspends themselves; only owners suspend owners. */
export function whyNotManageable(actor: User, target: User): string | null {
  if (target.managedBy === 'scim') return `${target.displayName} is managed by your identity provider: change their status there (SCIM "active").`;
  if (target.id === actor.id) return 'You cannot suspend or reinstate yourself.';
  if (target.role === 'owner' && actor.role !== 'owner') return 'Only a team owner can suspend or reinstate an owner.';
  return null;
}

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
    const { store, audit } = services;
    const router = Router();

    router.get('/people', async (req, res) => {
      const { team, user: me } = requireViewer(res);
      const q = queryText(req.query.q);
      const page = pageNumber(req.query.page);
      const result = await store.users.list(team.id, {
        filter: q ? peopleSearchFilter(q) : undefined,
        sortBy: 'displayName',
        sortOrder: 'ascending',
        startIndex: (page - 1) * PAGE_SIZE + 1,
        count: PAGE_SIZE,
      });
      // The filter's emails.value covers SCIM emails; password accounts' sign-in email is matched exactly.
      if (q.includes('@') && page === 1) {
        const byEmail = await store.users.findByEmail(q.toLowerCase());
        if (byEmail?.teamId === team.id && !result.items.some((u) => u.id === byEmail.id)) {
          result.items.unshift(byEmail);
          result.total += 1;
        }
      }
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

    const changeStatus = (from: UserStatus, to: UserStatus, action: string, done: (u: User) => string) =>
      async (req: Request, res: Response) => {
        const { team, user: me } = requireViewer(res);
        const back = safeReturnPath(req.body?.back, '/admin/people', '/admin/people');
        const id = String(req.params.id);
        const target = UUID_PATTERN.test(id) ? await store.users.get(team.id, id) : null;
        if (!target) throw notFound('user-not-found', 'This person is no longer in your team. Go back to People and reload the list.');
        const blocked = whyNotManageable(me, target);
        if (blocked) throw forbidden('user-not-manageable', blocked);
        if (target.status !== from) {
          setFlash(res, { kind: 'info', text: `${target.displayName} is already ${to === 'suspended' ? 'suspended' : 'active'}.` });
          return res.redirect(303, back);
        }
        const seen = Number(req.body?.version);
        const expected = Number.isSafeInteger(seen) && seen > 0 ? seen : target.version;
        let updated: User | null;
        try {
          updated = await store.users.update({ ...target, status: to }, expected);
        } catch (err) {
          if (!(err instanceof VersionConflictError)) throw err;
          setFlash(res, { kind: 'error', text: `${target.displayName} was changed by someone else while you were looking. Check their status below and try again.` });
          return res.redirect(303, back);
        }
        if (!updated) throw new AppError(404, 'user-not-found', 'This person was deleted in the meantime.');
        await audit({ teamId: team.id, actor: { type: 'user', id: me.id, name: me.email ?? me.handle }, action, targetType: 'user', targetId: target.id, details: { handle: target.handle, name: target.displayName } });
        setFlash(res, { kind: 'success', text: done(updated) });
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

    router.post('/people/:id/suspend', changeStatus('active', 'suspended', 'user.suspended', (u) => `Suspended ${u.displayName}. They are signed out and cannot sign in until you reinstate them.`));
    router.post('/people/:id/reinstate', changeStatus('suspended', 'active', 'user.reinstated', (u) => `Reinstated ${u.displayName}. They can sign in again.`));
    return router;
  },
};
