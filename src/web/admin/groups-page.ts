import { Router } from 'express';
import { AppError, notFound } from '../../http/errors';
import type { Group } from '../../store/port';
import { withQuery } from '../format';
import { setFlash } from '../pages';
import { requireViewer } from '../session';
import { PAGE_SIZE, pageNumber, queryText, type AdminSection, type WebContext } from '../web-context';

const ROLE_NAMES: Record<string, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

/** Team → Groups: the groups the IdP pushed over SCIM, their members, and the group-managed-roles switch. */
export const groupsSection: AdminSection = {
  nav: { section: 'Team', href: '/admin/groups', label: 'Groups' },
  routes(ctx: WebContext) {
    const { pages, services } = ctx;
    const { groups: groupService, teamSettings } = services;
    const router = Router();

    const roleOf = (g: Group, on: boolean) => (on && g.roleGranted ? g.roleGranted : null);

    router.get('/groups', async (req, res) => {
      const { team, user } = requireViewer(res);
      const q = queryText(req.query.q);
      const page = pageNumber(req.query.page);
      const [settings, result] = await Promise.all([
        teamSettings.get(team.id),
        groupService.browse(team.id, q, (page - 1) * PAGE_SIZE + 1, PAGE_SIZE),
      ]);
      const on = settings.group_managed_roles;
      const groups = result.items.map((g) => ({ id: g.id, displayName: g.displayName, externalId: g.externalId, members: result.memberCounts.get(g.id) ?? 0, role: roleOf(g, on), roleName: roleOf(g, on) ? ROLE_NAMES[roleOf(g, on)!] : null, createdAt: g.createdAt }));
      const pagesTotal = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
      const first = result.total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
      pages.render(req, res, 'admin/groups', {
        title: 'Groups', admin: true, q, total: result.total, groups,
        settings, isOwner: user.role === 'owner',
        roleGroups: settings.role_groups.map((g) => ({ ...g, roleName: ROLE_NAMES[g.role] ?? g.role })),
        pager: {
          prev: page > 1 ? withQuery('/admin/groups', { q, page: page - 1 }) : null,
          next: page < pagesTotal ? withQuery('/admin/groups', { q, page: page + 1 }) : null,
          info: result.total === 0 ? '' : `${first}–${first + result.items.length - 1} of ${result.total} · page ${page} of ${pagesTotal}`,
        },
      });
    });

    router.get('/groups/:id', async (req, res) => {
      const { team } = requireViewer(res);
      const id = String(req.params.id);
      const group = await groupService.find(team.id, id);
      if (!group) throw notFound('group-not-found', 'This group is no longer in your team (your identity provider may have deleted it). Go back to Groups.');
      const settings = await teamSettings.get(team.id);
      const page = pageNumber(req.query.page);
      const { total, members } = await groupService.memberPage(team.id, group.id, (page - 1) * PAGE_SIZE + 1, PAGE_SIZE);
      const pagesTotal = Math.max(1, Math.ceil(total / PAGE_SIZE));
      const first = total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
      const role = roleOf(group, settings.group_managed_roles);
      pages.render(req, res, 'admin/group', {
        title: group.displayName, admin: true,
        group: { id: group.id, displayName: group.displayName, externalId: group.externalId, createdAt: group.createdAt, updatedAt: group.updatedAt, role, roleName: role ? ROLE_NAMES[role] : null, markedRole: group.roleGranted ? ROLE_NAMES[group.roleGranted] : null },
        settings, total,
        members,
        pager: {
          prev: page > 1 ? withQuery(`/admin/groups/${group.id}`, { page: page - 1 }) : null,
          next: page < pagesTotal ? withQuery(`/admin/groups/${group.id}`, { page: page + 1 }) : null,
          info: total === 0 ? '' : `${first}–${first + members.length - 1} of ${total} · page ${page} of ${pagesTotal}`,
        },
      });
    });

    /** The same TeamSettingsService as PUT /team/settings: owners only, role groups made in the same transaction. */
    router.post('/groups/settings', async (req, res) => {
      const viewer = requireViewer(res);
      const wanted = req.body?.group_managed_roles === 'on';
      try {
        const after = await teamSettings.update(viewer, { group_managed_roles: wanted });
        setFlash(res, {
          kind: 'success',
          text: after.group_managed_roles
            ? `Group-managed roles are on: membership in ${after.role_groups.map((g) => `“${g.display_name}”`).join(' and ')} now sets people's roles. Current admins were added to the admin group so nobody lost access.`
            : 'Group-managed roles are off: roles stay as they are now and are changed by hand again.',
        });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        setFlash(res, { kind: 'error', text: err.label === 'owner-only' ? 'Only a team owner can turn group-managed roles on or off. Ask an owner of your team.' : err.message });
      }
      res.redirect(303, '/admin/groups');
    });

    return router;
  },
};
