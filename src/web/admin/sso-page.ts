import { Router, type Request, type Response } from 'express';
import { AppError, notFound } from '../../http/errors';
import type { MetadataSource } from '../../saml/idp-metadata-source';
import { checkHandle, type IdpSettings } from '../../saml/idp-service';
import { linkingRule, teamScimProfile } from '../../scim/profile';
import type { AuditActor, User } from '../../store/port';
import { isUpload } from '../multipart';
import { setFlash } from '../pages';
import { requireViewer } from '../session';
import { UUID_PATTERN, type AdminSection, type WebContext } from '../web-context';

type IdpView = ReturnType<WebContext['services']['idps']['view']> & { users?: number };

/** The fields of the connect / replace form, as typed (for re-showing after a mistake). */
interface ConnectInput {
  metadata: string;
  metadataUrl: string;
  fileName: string;
  handle: string;
  allowIdpInitiated: boolean;
}

type ConnectField = 'source' | 'metadata' | 'metadata_file' | 'metadata_url' | 'handle';

/** A mistake as a person wants it: which field, what is wrong, how to fix it. */
export interface FormProblem {
  field: ConnectField | null;
  fieldLabel: string | null;
  message: string;
  fix: string;
  label: string;
  /** A page that helps (the connection to replace instead). */
  link?: { href: string; text: string };
}

interface ConnectForm {
  open: boolean;
  input: ConnectInput;
  problem: FormProblem | null;
}

const FIELD_LABELS: Record<ConnectField, string> = {
  source: 'IdP metadata',
  metadata: 'Paste the metadata XML',
  metadata_file: 'Upload a metadata file',
  metadata_url: 'Metadata URL',
  handle: 'Name',
};

const EMPTY_INPUT: ConnectInput = { metadata: '', metadataUrl: '', fileName: '', handle: '', allowIdpInitiated: false };
const actorOf = (user: User): AuditActor => ({ type: 'user', id: user.id, name: user.email ?? user.handle });
/** How a connection is called on the pages: the admin's name for it, else its entityID. */
export const idpName = (idp: { handle: string | null; entity_id: string }) => idp.handle ?? idp.entity_id;

function str(value: unknown, max: number): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/** The form → one metadata source; exactly one of paste / upload / URL must be given. */
function readConnectForm(body: Record<string, unknown> | undefined): { input: ConnectInput; source: MetadataSource | null; field: ConnectField | null; problem: FormProblem | null } {
  const b = body ?? {};
  const upload = isUpload(b.metadata_file) && b.metadata_file.text.trim() ? b.metadata_file : null;
  const input: ConnectInput = {
    metadata: str(b.metadata, 2 * 1024 * 1024).trim(),
    metadataUrl: str(b.metadata_url, 2048).trim(),
    fileName: upload?.filename.slice(0, 200) ?? '',
    handle: str(b.handle, 200).trim(),
    allowIdpInitiated: b.allow_idp_initiated === 'on' || b.allow_idp_initiated === 'true',
  };
  const given: Array<[ConnectField, MetadataSource]> = [];
  if (input.metadata) given.push(['metadata', { kind: 'xml', xml: input.metadata }]);
  if (upload) given.push(['metadata_file', { kind: 'xml', xml: upload.text }]);
  if (input.metadataUrl) given.push(['metadata_url', { kind: 'url', url: input.metadataUrl }]);
  if (given.length === 0)
    return { input, source: null, field: null, problem: problem('source', 'metadata-missing', 'No metadata was given.', 'Paste the metadata XML, choose the metadata file your identity provider gave you, or enter its metadata URL.') };
  if (given.length > 1)
    return {
      input, source: null, field: null,
      problem: problem('source', 'metadata-ambiguous', `Metadata was given ${given.length} ways (${given.map(([f]) => FIELD_LABELS[f].toLowerCase()).join(', ')}).`, 'Use one of them and clear the others, so it is clear which metadata to connect.'),
    };
  const [field, source] = given[0]!;
  return { input, source, field, problem: null };
}

function problem(field: ConnectField | null, label: string, message: string, fix: string, link?: FormProblem['link']): FormProblem {
  return { field, fieldLabel: field ? FIELD_LABELS[field] : null, message, fix, label, ...(link ? { link } : {}) };
}

/** The service's refusal → the field it is about and how to fix it, in the SSO page's words. */
export function describeConnectError(err: AppError, sourceField: ConnectField | null): FormProblem {
  const label = err.label;
  if (label === 'invalid-handle') return problem('handle', label, 'This name cannot be used.', 'Use 1–64 letters, digits, spaces or “_ . @ -”, starting with a letter or digit — or leave it empty.');
  if (label === 'handle-exists') return problem('handle', label, 'Another connection of your team already has this name.', 'Choose a different name, or leave it empty to show the entity ID instead.');
  if (label === 'idp-exists') {
    const existing = /\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/.exec(err.message)?.[1];
    return problem(sourceField, label, 'Your team is already connected to this identity provider (same entity ID).', 'To rotate its certificate or move to new metadata, use “Replace” on that connection: people keep their accounts.',
      existing ? { href: `/admin/sso/${existing}/replace`, text: 'Replace that connection' } : undefined);
  }
  if (label === 'idp-already-replaced' || label === 'unknown-idp')
    return problem(null, label, 'The connection you are replacing was already replaced or deleted meanwhile.', 'Go back to the SSO page and replace the connection that is current now.');
  if (label.startsWith('metadata-url-'))
    return problem('metadata_url', label, err.message, 'Check that the address opens in a browser and shows the XML. If Gatehouse cannot reach it, download the file there and upload it instead.');
  if (err.status === 400)
    return problem(sourceField ?? 'source', label, err.message, 'Download the metadata again from your identity provider (Entra ID: “Federation Metadata XML”; Okta: “Identity Provider metadata”) and give it unchanged.');
  return problem(null, label, err.message, 'Reload the page and try again; if it keeps failing, the error code helps your Gatehouse operator.');
}

/** Report JSON (stored as the ACS wrote it) → what the report page lists. */
function reportView(report: Record<string, unknown> | null) {
  if (!report) return null;
  const checks = Array.isArray(report.checks) ? (report.checks as Array<Record<string, unknown>>) : [];
  const attributes = report.attributes && typeof report.attributes === 'object' ? Object.entries(report.attributes as Record<string, unknown>) : [];
  const conditions = report.conditions && typeof report.conditions === 'object' ? Object.entries(report.conditions as Record<string, unknown>) : [];
  const certificate = (report.certificate ?? null) as { fingerprint_sha256?: string } | null;
  const user = (report.user ?? null) as { action?: string; handle?: string; display_name?: string } | null;
  const text = (v: unknown) => (v === null || v === undefined ? '—' : Array.isArray(v) ? v.map(String).join(', ') : typeof v === 'string' ? v : JSON.stringify(v));
  return {
    passed: report.outcome === 'passed',
    label: typeof report.label === 'string' ? report.label : null,
    message: typeof report.message === 'string' ? report.message : null,
    receivedAt: typeof report.received_at === 'string' ? report.received_at : null,
    checks: checks.map((c) => ({ name: String(c.name ?? ''), passed: c.passed === true, reason: String(c.reason ?? ''), label: typeof c.label === 'string' ? c.label : null })),
    nameId: typeof report.nameid === 'string' ? report.nameid : null,
    nameIdFormat: typeof report.nameid_format === 'string' ? report.nameid_format : null,
    nameIdRule: typeof report.nameid_rule === 'string' ? report.nameid_rule : null,
    attributes: attributes.map(([k, v]) => [k, text(v)] as [string, string]),
    conditions: conditions.map(([k, v]) => [k.replace(/_/g, ' '), text(v)] as [string, string]),
    fingerprint: certificate?.fingerprint_sha256 ?? null,
    user,
  };
}

/** Customization → SSO: the team's SAML connections (connect, replace, test, delete), through IdentityProviderService. */
export const ssoSection: AdminSection = {
  nav: { section: 'Customization', href: '/admin/sso', label: 'SSO' },
  routes(ctx: WebContext) {
    const { pages, services } = ctx;
    const { idps, config } = services;
    const router = Router();

    const connection = async (res: Response, id: unknown): Promise<IdpView> => {
      const { team } = requireViewer(res);
      const text = String(id);
      if (!UUID_PATTERN.test(text)) throw notFound('idp-not-found', 'There is no such SSO connection in your team. Go back to the SSO page and pick one from the list.');
      const idp = await idps.require(team.id, text).catch((err: unknown) => {
        if (err instanceof AppError && err.status === 404) throw notFound('idp-not-found', 'This SSO connection is no longer in your team (it was deleted). Go back to the SSO page.');
        throw err;
      });
      return idps.view(idp, { users: await idps.countUsers(idp) });
    };

    const renderList = async (req: Request, res: Response, form: ConnectForm, status = 200) => {
      const { team, user } = requireViewer(res);
      const list = (await idps.list(team.id)) as IdpView[];
      const settings = await services.teamSettings.get(team.id);
      const names = new Map(list.map((i) => [i.id, idpName(i)]));
      pages.render(req, res, 'admin/sso', {
        title: 'SSO', admin: true,
        connections: list.map((i) => ({ ...i, name: idpName(i), replacedByName: i.replaced_by ? (names.get(i.replaced_by) ?? 'a newer connection') : null, replacesName: i.replaces ? (names.get(i.replaces) ?? 'a deleted connection') : null })),
        spMetadataUrl: `${config.publicUrl}/sso/metadata/${team.id}`,
        spKeys: await services.spKeyRollover.status(),
        nameIdRule: linkingRule(teamScimProfile(team)),
        form,
        validateSamlEmails: settings.validate_saml_emails, isOwner: user.role === 'owner',
      }, status);
    };

    /** The validate_saml_emails switch: the same TeamSettingsService as PUT /team/settings (owners only, audited). */
    router.post('/sso/settings', async (req, res) => {
      const viewer = requireViewer(res);
      const wanted = req.body?.validate_saml_emails === 'on';
      try {
        const after = await services.teamSettings.update(viewer, { validate_saml_emails: wanted });
        setFlash(res, {
          kind: 'success',
          text: after.validate_saml_emails
            ? 'Email validation is on: people provisioned through SCIM with an email address as their identifier get a validation mail.'
            : 'Email validation is off: no new validation mails are sent; addresses already validated stay validated.',
        });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        setFlash(res, { kind: 'error', text: err.label === 'owner-only' ? 'Only a team owner can turn email validation on or off. Ask an owner of your team.' : err.message });
      }
      res.redirect(303, '/admin/sso');
    });

    const renderReplace = (req: Request, res: Response, idp: IdpView, form: ConnectForm, status = 200) =>
      pages.render(req, res, 'admin/sso-replace', { title: `Replace ${idpName(idp)}`, admin: true, idp: { ...idp, name: idpName(idp) }, form }, status);

    router.get('/sso', (req, res) => renderList(req, res, { open: false, input: EMPTY_INPUT, problem: null }));

    /** Connect (and, with `replaces`, rotate): the same IdentityProviderService.create the API uses. */
    const connect = async (req: Request, res: Response, replacing: IdpView | null) => {
      const { team, user } = requireViewer(res);
      const read = readConnectForm(req.body as Record<string, unknown> | undefined);
      const fail = (p: FormProblem, status: number) => {
        const form: ConnectForm = { open: true, input: read.input, problem: p };
        return replacing ? renderReplace(req, res, replacing, form, status) : renderList(req, res, form, status);
      };
      if (read.problem) return fail(read.problem, 400);
      const settings: IdpSettings & { replaces?: string } = { allowIdpInitiated: read.input.allowIdpInitiated };
      try {
        settings.handle = checkHandle(read.input.handle);
        if (replacing) settings.replaces = replacing.id;
        const created = await createKeepingName(team.id, read.source!, settings, replacing, actorOf(user));
        const warnings = 'warnings' in created && Array.isArray(created.warnings) ? ` Note: ${created.warnings.join(' ')}` : '';
        const done = replacing
          ? `Connected the new metadata for ${idpName(created)}. People of the old connection move over the next time they sign in; the old login code keeps working until you delete it.`
          : `Connected ${idpName(created)}. Give your people the login code below.`;
        setFlash(res, { kind: 'success', text: `${done}${warnings}` });
        res.redirect(303, `/admin/sso/${created.id}?connected=1`);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        await fail(describeConnectError(err, read.field), err.status);
      }
    };

    /**
     * A replacement usually keeps the old connection's name, but names are unique per team: the old
     * one is renamed "<name> replaced" first, and gets its name back if the new one cannot be made.
     */
    const createKeepingName = async (teamId: string, source: MetadataSource, settings: IdpSettings & { replaces?: string }, replacing: IdpView | null, actor: AuditActor) => {
      const sameName = replacing?.handle && settings.handle && replacing.handle.toLowerCase() === settings.handle.toLowerCase();
      if (!replacing || !sameName) return idps.create(teamId, source, settings, actor);
      await idps.update(teamId, replacing.id, null, { handle: `${replacing.handle!.slice(0, 55)} replaced` }, actor);
      try {
        return await idps.create(teamId, source, settings, actor);
      } catch (err) {
        await idps.update(teamId, replacing.id, null, { handle: replacing.handle }, actor).catch(() => undefined);
        throw err;
      }
    };

    router.post('/sso/connections', (req, res) => connect(req, res, null));

    router.get('/sso/:idp', async (req, res) => {
      const idp = await connection(res, req.params.idp);
      const { team } = requireViewer(res);
      const all = (await idps.list(team.id)) as IdpView[];
      const nameOf = (id: string | null) => (id ? (all.find((i) => i.id === id) ? idpName(all.find((i) => i.id === id)!) : 'a deleted connection') : null);
      pages.render(req, res, 'admin/sso-connection', {
        title: idpName(idp), admin: true,
        idp: { ...idp, name: idpName(idp), replacedByName: nameOf(idp.replaced_by), replacesName: nameOf(idp.replaces) },
        connected: req.query.connected === '1',
      });
    });

    /** The "require encrypted assertions" switch of a connection (the API's require_encrypted_assertions). */
    router.post('/sso/:idp/encryption', async (req, res) => {
      const { team, user } = requireViewer(res);
      const idp = await connection(res, req.params.idp);
      const required = (req.body as Record<string, unknown> | undefined)?.require_encrypted_assertions === 'on';
      await idps.update(team.id, idp.id, null, { requireEncryptedAssertions: required }, actorOf(user));
      setFlash(res, {
        kind: 'success',
        text: required
          ? `${idpName(idp)} now only accepts encrypted assertions. Turn on assertion encryption at the identity provider with the encryption certificate from the SP metadata.`
          : `${idpName(idp)} accepts unencrypted assertions again.`,
      });
      res.redirect(303, `/admin/sso/${idp.id}`);
    });

    router.get('/sso/:idp/replace', async (req, res) => {
      const idp = await connection(res, req.params.idp);
      if (idp.replaced_by) {
        setFlash(res, { kind: 'info', text: `${idpName(idp)} was already replaced; replace the newer connection instead.` });
        return res.redirect(303, `/admin/sso/${idp.replaced_by}`);
      }
      renderReplace(req, res, idp, { open: true, input: { ...EMPTY_INPUT, handle: idp.handle ?? '', allowIdpInitiated: idp.allow_idp_initiated }, problem: null });
    });

    router.post('/sso/:idp/replace', async (req, res) => connect(req, res, await connection(res, req.params.idp)));

    router.post('/sso/:idp/test', async (req, res) => {
      const { team, user } = requireViewer(res);
      const idp = await connection(res, req.params.idp);
      const run = await idps.startTestRun(team.id, idp.id, actorOf(user));
      res.redirect(303, `/admin/sso/${idp.id}/tests/${run.id}`);
    });

    router.get('/sso/:idp/tests/:run', async (req, res) => {
      const { team } = requireViewer(res);
      const idp = await connection(res, req.params.idp);
      const runId = String(req.params.run);
      if (!UUID_PATTERN.test(runId)) throw notFound('test-run-not-found', 'There is no such test run. Start a new test from the connection page.');
      const run = await idps.testRunView(team.id, idp.id, runId);
      pages.render(req, res, 'admin/sso-test', {
        title: `Test sign-in · ${idpName(idp)}`, admin: true,
        idp: { ...idp, name: idpName(idp) },
        run, testUrl: `${config.publicUrl}/sso/test/${run.id}`,
        report: reportView(run.report),
      });
    });

    const renderDelete = async (req: Request, res: Response, idp: IdpView, extra: { error?: string } = {}, status = 200) =>
      pages.render(req, res, 'admin/sso-delete', { title: `Delete ${idpName(idp)}`, admin: true, idp: { ...idp, name: idpName(idp) }, users: idp.users ?? 0, tokens: await idps.tokensBoundTo(idp.team, idp.id), error: extra.error ?? null }, status);

    router.get('/sso/:idp/delete', async (req, res) => renderDelete(req, res, await connection(res, req.params.idp)));

    router.post('/sso/:idp/delete', async (req, res) => {
      const { team, user } = requireViewer(res);
      const idp = await connection(res, req.params.idp);
      const users = idp.users ?? 0;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const purge = body.purge === 'on' || body.purge === 'true';
      const seen = Number(body.users);
      if (purge && seen !== users)
        return renderDelete(req, res, idp, { error: `The number of people bound to this connection changed from ${seen} to ${users} while you were looking. Check the number below and confirm again.` }, 409);
      let tokensRemoved = 0;
      try {
        ({ tokensRemoved } = await idps.delete(team.id, idp.id, purge && users > 0, actorOf(user)));
      } catch (err) {
        if (err instanceof AppError && err.label === 'idp-has-users')
          return renderDelete(req, res, idp, { error: `${users === 1 ? '1 person signs' : `${users} people sign`} in through this connection, so it was not deleted. Tick the box to delete them too, or replace the connection instead so they keep their accounts.` }, 409);
        throw err;
      }
      const tokensText = tokensRemoved > 0 ? ` ${tokensRemoved === 1 ? 'The SCIM token' : `The ${tokensRemoved} SCIM tokens`} bound to it ${tokensRemoved === 1 ? 'was' : 'were'} deleted too.` : '';
      setFlash(res, { kind: 'success', text: (purge && users > 0 ? `Deleted ${idpName(idp)} and the ${users === 1 ? 'person' : `${users} people`} who signed in through it.` : `Deleted ${idpName(idp)}. Its login code no longer works.`) + tokensText });
      res.redirect(303, '/admin/sso');
    });

    return router;
  },
};
