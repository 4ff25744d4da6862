import { Router } from 'express';
import { requireViewer } from '../session';
import type { AdminSection, WebContext } from '../web-context';

const LIMIT = 200;

/** Logs → Provisioning log: what the team's SCIM clients asked and what they were answered. */
export const provisioningSection: AdminSection = {
  nav: { section: 'Logs', href: '/admin/provisioning', label: 'Provisioning log' },
  routes(ctx: WebContext) {
    const { pages, services } = ctx;
    const router = Router();

    router.get('/provisioning', async (req, res) => {
      const { team } = requireViewer(res);
      const errorsOnly = req.query.errors === '1';
      const [log, tokens] = await Promise.all([services.provisioningLog.list(team.id, LIMIT), services.scimTokens.list(team.id)]);
      const names = new Map(tokens.map((t) => [t.id, t.name]));
      const entries = log
        .filter((e) => !errorsOnly || e.status >= 400)
        .map((e) => ({ ...e, tokenName: e.tokenId ? (names.get(e.tokenId) ?? 'deleted token') : '—' }));
      pages.render(req, res, 'admin/provisioning', { title: 'Provisioning log', admin: true, entries, errorsOnly, limit: LIMIT });
    });

    return router;
  },
};
