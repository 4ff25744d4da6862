import express, { Router, type Request, type Response } from 'express';
import type { Authenticator } from '../http/passport';
import { authOf, requireAccess, requireAdminRole } from '../http/auth';
import { badRequest } from '../http/errors';
import { jsonBody } from '../http/middleware';
import type { AuditActor } from '../store/port';
import { MAX_METADATA_BYTES } from './idp-metadata';
import type { MetadataSource } from './idp-metadata-source';
import { checkHandle, type IdentityProviderService, type IdpSettings } from './idp-service';

const XML_TYPES = ['application/xml', 'text/xml', 'application/samlmetadata+xml'];
const BOOLEAN = { true: true, false: false } as Record<string, boolean>;

function actorOf(res: Response): AuditActor {
  const { user } = authOf(res);
  return { type: 'user', id: user.id, name: user.email ?? user.handle };
}

function flag(value: unknown, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && value in BOOLEAN) return BOOLEAN[value];
  throw badRequest('invalid-body', `${name} must be true or false.`);
}

/** The metadata (raw XML body, JSON `metadata`, or JSON `metadata_url`) and settings of a request; null source when none was sent. */
function readInput(req: Request, requireMetadata: boolean): { source: MetadataSource | null; settings: IdpSettings } {
  const query = req.query as Record<string, unknown>;
  const settings: IdpSettings = {};
  let source: MetadataSource | null = null;
  let body: Record<string, unknown> = {};
  if (typeof req.body === 'string') source = { kind: 'xml', xml: req.body };
  else if (req.body !== undefined && req.body !== null) {
    if (typeof req.body !== 'object' || Array.isArray(req.body)) throw badRequest('invalid-body', 'Send the metadata XML (Content-Type: application/xml) or JSON {"metadata": "<xml>"} or {"metadata_url": "https://…"}.');
    body = req.body as Record<string, unknown>;
    if (body.metadata !== undefined && body.metadata_url !== undefined) throw badRequest('invalid-body', 'Send either metadata or metadata_url, not both.');
    if (body.metadata !== undefined) {
      if (typeof body.metadata !== 'string') throw badRequest('invalid-body', 'metadata must be the metadata XML as a string.');
      source = { kind: 'xml', xml: body.metadata };
    } else if (body.metadata_url !== undefined) {
      if (typeof body.metadata_url !== 'string') throw badRequest('invalid-body', 'metadata_url must be a string (an https:// URL).');
      source = { kind: 'url', url: body.metadata_url.trim() };
    }
  }
  if (requireMetadata && !source)
    throw badRequest('metadata-missing', 'Send the IdP metadata: the XML as the body (Content-Type: application/xml), or JSON {"metadata": "<xml>"} or {"metadata_url": "https://…"}.');
  const handle = body.handle !== undefined ? body.handle : query.handle;
  if (handle !== undefined) settings.handle = checkHandle(handle);
  const allow = flag(body.allow_idp_initiated !== undefined ? body.allow_idp_initiated : query.allow_idp_initiated, 'allow_idp_initiated');
  if (allow !== undefined) settings.allowIdpInitiated = allow;
  const requireEncryption = flag(body.require_encrypted_assertions !== undefined ? body.require_encrypted_assertions : query.require_encrypted_assertions, 'require_encrypted_assertions');
  if (requireEncryption !== undefined) settings.requireEncryptedAssertions = requireEncryption;
  return { source, settings };
}

/** `/identity-providers`: team owners/admins connect, inspect, replace, test and delete IdPs. */
export function idpRoutes(deps: { passport: Authenticator; idps: IdentityProviderService }): Router {
  const { idps } = deps;
  const router = Router();
  router.use(requireAccess(deps.passport), requireAdminRole);
  // Metadata is up to 1 MB of XML; as a JSON string it may grow by escaping.
  const bodies = [express.text({ type: XML_TYPES, limit: MAX_METADATA_BYTES }), ...jsonBody('1200kb', XML_TYPES)];
  const teamOf = (res: Response) => authOf(res).team.id;

  router.post('/', ...bodies, async (req, res) => {
    const { source, settings } = readInput(req, true);
    const replaces = (req.query as Record<string, unknown>).replaces;
    if (replaces !== undefined && typeof replaces !== 'string') throw badRequest('invalid-query', 'replaces must be one IdP id.');
    res.status(201).json(await idps.create(teamOf(res), source!, { ...settings, ...(replaces ? { replaces } : {}) }, actorOf(res)));
  });

  router.get('/', async (_req, res) => {
    res.json({ providers: await idps.list(teamOf(res)) });
  });

  router.get('/:idp', async (req, res) => {
    const idp = await idps.require(teamOf(res), String(req.params.idp));
    res.json(idps.view(idp, { users: await idps.countUsers(idp) }));
  });

  router.get('/:idp/raw', async (req, res) => {
    const idp = await idps.require(teamOf(res), String(req.params.idp));
    res.type('application/xml').send(idp.metadataXml);
  });

  router.put('/:idp', ...bodies, async (req, res) => {
    const { source, settings } = readInput(req, false);
    if (!source && Object.keys(settings).length === 0)
      throw badRequest('invalid-body', 'Send new metadata (XML body, {"metadata"} or {"metadata_url"}) and/or settings {"handle", "allow_idp_initiated", "require_encrypted_assertions"}.');
    res.json(await idps.update(teamOf(res), String(req.params.idp), source, settings, actorOf(res)));
  });

  router.delete('/:idp', async (req, res) => {
    const purge = flag((req.query as Record<string, unknown>).purge, 'purge') ?? false;
    // The answer says what went with the IdP: its users (purge) and the SCIM tokens bound to it.
    const removed = await idps.delete(teamOf(res), String(req.params.idp), purge, actorOf(res));
    res.status(200).json({ deleted: removed.id, users_removed: removed.usersRemoved, tokens_removed: removed.tokensRemoved });
  });

  router.post('/:idp/test', async (req, res) => {
    res.status(201).json(await idps.startTestRun(teamOf(res), String(req.params.idp), actorOf(res)));
  });

  router.get('/:idp/test/:run', async (req, res) => {
    res.json(await idps.testRunView(teamOf(res), String(req.params.idp), String(req.params.run)));
  });

  return router;
}
