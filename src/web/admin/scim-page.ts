import { Router, type Request, type Response } from 'express';
import { AppError, notFound } from '../../http/errors';
import { SCIM_PROFILE_SUMMARY, SCIM_PROFILES } from '../../scim/profile';
import type { AuditActor, User } from '../../store/port';
import { setFlash } from '../pages';
import { requireViewer } from '../session';
import { UUID_PATTERN, type AdminSection, type WebContext } from '../web-context';

interface TokenForm {
  open: boolean;
  description?: string;
  idp?: string;
  error?: string;
  errors: { description?: string; password?: string; idp?: string };
}

const actorOf = (user: User): AuditActor => ({ type: 'user', id: user.id, name: user.email ?? user.handle });

/** Customization → Automated User Management (SCIM): base URL, tokens (generate once-shown, rename, delete). */
export const scimSection: AdminSection = {
  nav: { section: 'Customization', href: '/admin/scim', label: 'Automated User Management (SCIM)' },
  routes(ctx: WebContext) {
    const { pages, services } = ctx;
    const { scimTokens, config, teamSettings } = services;
    const router = Router();

    const render = async (req: Request, res: Response, extra: { form?: TokenForm; created?: { token: string; info: { name: string }; first: boolean } }, status = 200) => {
      const { team, user } = requireViewer(res);
      const [tokens, idps, settings] = await Promise.all([scimTokens.list(team.id), services.idps.records(team.id), teamSettings.get(team.id)]);
      // Tokens name their IdP by the admin's name for it (else its entityID), not by its id.
      const idpNames = new Map(idps.map((i) => [i.id, i.handle ?? i.entityId]));
      pages.render(req, res, 'admin/scim', {
        title: 'Automated User Management (SCIM)', admin: true,
        tokens: tokens.map((t) => ({ ...t, idpName: t.idp ? (idpNames.get(t.idp) ?? 'a deleted identity provider') : null })),
        idpOptions: idps.filter((i) => !i.replacedById).map((i) => ({ id: i.id, name: i.handle ?? i.entityId })),
        scimUrl: `${config.publicUrl}/scim/v2`, scimUrlShort: `${config.publicUrl}/scim`,
        max: config.maxScimTokensPerTeam, atLimit: tokens.length >= config.maxScimTokensPerTeam,
        form: extra.form ?? { open: false, errors: {} }, created: extra.created ?? null,
        profile: settings.scim_profile, profiles: SCIM_PROFILES.map((p) => ({ value: p, summary: SCIM_PROFILE_SUMMARY[p] })), isOwner: user.role === 'owner',
      }, status);
    };

    router.get('/scim', (req, res) => render(req, res, {}));

    /** The same TeamSettingsService as PUT /team/settings {"scim_profile"}: owners only, audited. */
    router.post('/scim/profile', async (req, res) => {
      const viewer = requireViewer(res);
      const wanted = typeof req.body?.scim_profile === 'string' ? req.body.scim_profile : '';
      try {
        const after = await teamSettings.update(viewer, { scim_profile: wanted });
        setFlash(res, { kind: 'success', text: `SCIM profile: ${after.scim_profile}. ${SCIM_PROFILE_SUMMARY[after.scim_profile]} People already provisioned keep signing in as before.` });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        setFlash(res, { kind: 'error', text: err.label === 'owner-only' ? 'Only a team owner can change the SCIM profile. Ask an owner of your team.' : err.message });
      }
      res.redirect(303, '/admin/scim');
    });

    router.post('/scim/tokens', services.rateLimits.mint('token requests'), async (req, res) => {
      const { user, team } = requireViewer(res);
      const description = typeof req.body?.description === 'string' ? req.body.description.trim() : '';
      const password = typeof req.body?.password === 'string' ? req.body.password : '';
      const idp = typeof req.body?.idp === 'string' && req.body.idp ? req.body.idp : undefined;
      const form: TokenForm = { open: true, description, idp, errors: {} };
      if (!description) form.errors.description = 'Enter a description, for example “Entra ID provisioning”.';
      if (!password) form.errors.password = 'Enter your password to confirm it is you.';
      if (form.errors.description || form.errors.password) return render(req, res, { form }, 400);
      const before = await scimTokens.count(team.id);
      try {
        const created = await scimTokens.createByAdmin(user, { description, password, ...(idp ? { idp } : {}) });
        req.log.info({ teamId: team.id, tokenId: created.info.id }, 'SCIM token created from the admin page');
        await render(req, res, { created: { ...created, first: before === 0 } });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        if (err.label === 'access-denied') form.errors.password = 'That password is wrong. Enter the password you use to sign in to Gatehouse.';
        else if (err.label === 'invalid-body') form.errors.description = err.message;
        else if (err.label === 'unknown-idp') form.errors.idp = 'That identity provider is no longer connected. Pick another one, or “Any identity provider”.';
        else form.error = err.message;
        await render(req, res, { form }, err.status);
      }
    });

    router.post('/scim/tokens/:id/rename', async (req, res) => {
      const { user, team } = requireViewer(res);
      const id = checkId(req.params.id);
      const name = typeof req.body?.name === 'string' ? req.body.name.trim() : '';
      if (!name) {
        setFlash(res, { kind: 'error', text: 'A token name cannot be empty; type a new name and save again.' });
        return res.redirect(303, '/admin/scim');
      }
      try {
        const renamed = await scimTokens.rename(team.id, id, name, actorOf(user));
        setFlash(res, { kind: 'success', text: `Renamed the token to “${renamed.name}”.` });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        setFlash(res, { kind: 'error', text: err.message });
      }
      res.redirect(303, '/admin/scim');
    });

    router.post('/scim/tokens/:id/delete', async (req, res) => {
      const { user, team } = requireViewer(res);
      const id = checkId(req.params.id);
      const token = await scimTokens.find(team.id, id);
      if (!token) {
        setFlash(res, { kind: 'info', text: 'That token was already deleted.' });
        return res.redirect(303, '/admin/scim');
      }
      await scimTokens.delete(team.id, id, actorOf(user));
      const left = await scimTokens.count(team.id);
      setFlash(res, { kind: 'success', text: left === 0 ? `Deleted the token “${token.name}”. It was the last one, so SSO self-signup is on again.` : `Deleted the token “${token.name}”. SCIM clients using it can no longer connect.` });
      res.redirect(303, '/admin/scim');
    });

    return router;
  },
};

function checkId(value: unknown): string {
  const id = String(value);
  if (!UUID_PATTERN.test(id)) throw notFound('token-not-found', 'There is no such SCIM token in your team.');
  return id;
}
