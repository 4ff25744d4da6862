import { Router } from 'express';
import type { AuditEntry } from '../../store/port';
import { withQuery } from '../format';
import { requireViewer } from '../session';
import { PAGE_SIZE, queryText, type AdminSection, type WebContext } from '../web-context';

/** Actions Gatehouse records today; entries seen on the page add to the suggestions. */
const KNOWN_ACTIONS = [
  'team.created', 'admin.added', 'scim-token.created', 'scim-token.renamed', 'scim-token.deleted', 'user.created', 'user.suspended', 'user.reinstated',
  'idp.created', 'idp.updated', 'idp.deleted', 'idp.test.started', 'idp.test.completed', 'idp.metadata.refreshed', 'idp.metadata.refresh-failed', 'sso.login', 'sso.login.refused',
  'user.email_validated', 'email-validation.created',
];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface AuditFilterInput {
  actor: string;
  action: string;
  from: string;
  to: string;
}

type FieldErrors = Partial<Record<keyof AuditFilterInput, string>>;

/** "2026-11-23" → a real calendar day, or null. */
function calendarDay(text: string): string | null {
  if (!DATE.test(text)) return null;
  const d = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text) ? text : null;
}

/** `before=<at>~<id>`: the id-stable cursor of the last entry on the previous page. */
function parseCursor(value: unknown): { at: string; id: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const [at, id] = value.split('~');
  if (!at || !id || Number.isNaN(Date.parse(at)) || id.length > 64) return undefined;
  return { at, id };
}

export const auditSection: AdminSection = {
  nav: { section: 'Logs', href: '/admin/audit', label: 'Audit log' },
  routes(ctx: WebContext) {
    const { pages, services } = ctx;
    const { auditLog, scimTokens } = services;
    const router = Router();

    router.get('/audit', async (req, res) => {
      const { team, user } = requireViewer(res);
      const filter: AuditFilterInput = { actor: queryText(req.query.actor), action: queryText(req.query.action, 100), from: queryText(req.query.from, 10), to: queryText(req.query.to, 10) };
      const errors: FieldErrors = {};
      let actorId: string | undefined;
      if (filter.actor) {
        actorId = (await auditLog.resolveActor(team.id, filter.actor)) ?? undefined;
        if (!actorId) errors.actor = `Nobody in ${team.name} is “${filter.actor}”. Type an admin's email address or handle, or a SCIM token's name.`;
      }
      const from = filter.from ? calendarDay(filter.from) : null;
      const to = filter.to ? calendarDay(filter.to) : null;
      if (filter.from && !from) errors.from = 'Enter the date as YYYY-MM-DD, for example 2026-11-23.';
      if (filter.to && !to) errors.to = 'Enter the date as YYYY-MM-DD, for example 2026-11-30.';
      if (from && to && to < from) errors.to = '“To” is before “From”; pick a later day or clear one of them.';
      const hasErrors = Object.keys(errors).length > 0;
      const before = parseCursor(req.query.before);

      let entries: AuditEntry[] = [];
      let hasMore = false;
      if (!hasErrors) {
        const found = await auditLog.list({
          teamId: team.id,
          actorId,
          action: filter.action || undefined,
          since: from ? `${from}T00:00:00.000Z` : undefined,
          until: to ? `${to}T23:59:59.999Z` : undefined,
          limit: PAGE_SIZE + 1,
          before,
        });
        hasMore = found.length > PAGE_SIZE;
        entries = found.slice(0, PAGE_SIZE);
      }
      const last = entries.at(-1);
      const base = { actor: filter.actor, action: filter.action, from: filter.from, to: filter.to };
      const filtered = Object.values(base).some(Boolean);
      pages.render(req, res, 'admin/audit', {
        title: 'Audit log', admin: true, filter, errors, hasErrors, filtered, entries,
        actorOptions: unique([user.email ?? user.handle, ...(await scimTokens.list(team.id)).map((t) => t.name), ...entries.map((e) => e.actor.name ?? '')]),
        actionOptions: unique([...KNOWN_ACTIONS, ...entries.map((e) => e.action)]),
        pager: {
          prev: before ? withQuery('/admin/audit', base) : null,
          prevLabel: 'Newest',
          next: hasMore && last ? withQuery('/admin/audit', { ...base, before: `${last.at}~${last.id}` }) : null,
          nextLabel: 'Older',
          info: entries.length ? `${before ? 'Older entries' : 'Newest entries'} · ${entries.length} shown` : '',
        },
      }, hasErrors ? 400 : 200);
    });

    return router;
  },
};

function unique(values: string[]): string[] {
  return [...new Set(values.filter(Boolean))].sort();
}
