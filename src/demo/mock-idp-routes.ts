import express, { Router, type Response } from 'express';
import { Eta } from 'eta';
import type { Config } from '../config';
import { badRequest } from '../http/errors';
import { errorFormat } from '../http/middleware';
import { nameIdFormatFor } from '../saml/acs-users';
import { newCspNonce, sendAutoPostPage } from '../saml/sso-pages';
import type { KeyAndCertificate } from '../saml/sp-keys';
import { VIEWS_DIR } from '../web/pages';
import { FOURTH_PERSON, MOCK_IDP_DIRECTORY, UNPROVISIONED_PERSON, type DemoPerson } from './demo-people';
import { mockIdpEntityId, mockIdpMetadataXml, MOCK_IDP_PATH } from './mock-idp-metadata';
import { decodeSamlRequest, readAuthnRequest, type MockAuthnRequest } from './mock-idp-request';
import { buildMockResponse, WRONG_NAMEID_FORMAT, type MockResponseKind } from './mock-idp-response';

export interface MockIdpDeps {
  /** Read at request time: `npm run demo` on PORT=0 learns its public URL only once it listens. */
  config: Pick<Config, 'publicUrl'>;
  keys: KeyAndCertificate;
  /** The SCIM attribute the requesting team links NameIDs to (externalId, or userName on the directory profile), for the page's hint. */
  linkingAttributeOf?: (teamId: string) => Promise<'externalId' | 'userName'>;
}

/** The choices on the sign-in page; each maps to a NameID and a response kind. */
const CHOICES = ['person', 'typed', 'wrong-format', 'expired', 'unprovisioned'] as const;
type Choice = (typeof CHOICES)[number];
const MAX_NAMEID = 256;

const noStore = (res: Response) => res.setHeader('Cache-Control', 'no-store');

/**
 * A SAML IdP for `npm run demo`, mounted at /demo-idp only in demo mode (GATEHOUSE_DEMO). It reads
 * the AuthnRequest (HTTP-POST or HTTP-Redirect), lets the evaluator pick who signs in, and posts a
 * signed Response to the ACS, where it meets the same validation as any IdP's.
 */
export function mockIdpRoutes(deps: MockIdpDeps): Router {
  const eta = new Eta({ views: VIEWS_DIR, cache: true, autoEscape: true, defaultExtension: '.eta' });
  const render = (res: Response, view: string, data: Record<string, unknown>) => {
    noStore(res);
    res.type('html').send(eta.render(`./demo/${view}`, { ...data, basePath: MOCK_IDP_PATH, entityId: mockIdpEntityId(deps.config.publicUrl) }));
  };
  const router = Router();
  router.use(errorFormat('html'));

  router.get('/', (_req, res) => render(res, 'idp-home', { title: 'Mock identity provider', people: MOCK_IDP_DIRECTORY }));

  router.get('/metadata', (_req, res) => {
    res.type('application/samlmetadata+xml').send(mockIdpMetadataXml(deps.config.publicUrl, deps.keys));
  });

  const showSignIn = async (res: Response, request: MockAuthnRequest, relayState: string | null) =>
    render(res, 'idp-sign-in', {
      linkingAttribute: (await deps.linkingAttributeOf?.(request.teamId)) ?? 'externalId',
      title: 'Sign in at the mock identity provider',
      request,
      relayState,
      requestBase64: Buffer.from(request.xml, 'utf8').toString('base64'),
      people: MOCK_IDP_DIRECTORY,
      curlPersonEmail: FOURTH_PERSON.email,
      unprovisioned: UNPROVISIONED_PERSON,
      wrongFormat: WRONG_NAMEID_FORMAT,
    });

  // HTTP-Redirect binding: the SP's 302 lands here with a deflated request in the query.
  router.get('/sso', async (req, res) => {
    const xml = decodeSamlRequest(req.query.SAMLRequest, 'HTTP-Redirect');
    await showSignIn(res, readAuthnRequest(xml, 'HTTP-Redirect', deps.config.publicUrl), relayStateOf(req.query.RelayState));
  });

  const form = express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 20 });
  // HTTP-POST binding: the SP's auto-posting page (what Gatehouse sends when the metadata offers both).
  router.post('/sso', form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const xml = decodeSamlRequest(body.SAMLRequest, 'HTTP-POST');
    await showSignIn(res, readAuthnRequest(xml, 'HTTP-POST', deps.config.publicUrl), relayStateOf(body.RelayState));
  });

  // The evaluator's choice → a signed Response, posted by the browser to the ACS named in the request.
  router.post('/respond', form, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const binding = body.binding === 'HTTP-Redirect' ? 'HTTP-Redirect' : 'HTTP-POST';
    // The request travelled through the page as plain base64; it is read and checked again, never trusted.
    const request = readAuthnRequest(decodeSamlRequest(body.request, 'HTTP-POST'), binding, deps.config.publicUrl);
    const { kind, nameId, attributes } = chosen(body);
    const xml = buildMockResponse({ kind, nameId, request, idpEntityId: mockIdpEntityId(deps.config.publicUrl), keys: deps.keys, attributes });
    const fields: Record<string, string> = { SAMLResponse: Buffer.from(xml, 'utf8').toString('base64') };
    const relayState = relayStateOf(body.relay_state);
    if (relayState) fields.RelayState = relayState;
    const nonce = newCspNonce();
    const html = eta.render('./demo/idp-post', { title: 'Returning to Gatehouse', action: request.acsUrl, fields, nonce, nameId, kind, format: kind === 'wrong-format' ? WRONG_NAMEID_FORMAT : nameIdFormatFor(nameId) });
    sendAutoPostPage(res, html, nonce, request.acsUrl);
  });

  return router;
}

function relayStateOf(value: unknown): string | null {
  // Bindings §3.4.3: at most 80 bytes; Gatehouse's own are shorter. Anything else is not passed on.
  return typeof value === 'string' && value.length > 0 && value.length <= 80 ? value : null;
}

const attributesOf = (p: DemoPerson) => ({ email: p.email, displayName: p.displayName, givenName: p.givenName, familyName: p.familyName });

/** Reads the pressed button (`choice`): the response kind, the NameID it carries, and the attributes the IdP adds. */
function chosen(body: Record<string, unknown>): { kind: MockResponseKind; nameId: string; attributes: Record<string, string> } {
  // A person's button sends `person:<email>`; the others just their name.
  const [choice, personEmail] = String(body.choice ?? '').split(/:(.*)/s) as [Choice, string | undefined];
  if (!CHOICES.includes(choice)) throw badRequest('demo-idp-bad-choice', `Pick a person or one of the buttons (choice must be one of ${CHOICES.join(', ')}).`);
  const first = MOCK_IDP_DIRECTORY[0]!;
  switch (choice) {
    case 'person': {
      const person = MOCK_IDP_DIRECTORY.find((p) => p.email === personEmail);
      if (!person) throw badRequest('demo-idp-unknown-person', 'Pick one of the listed demo people, or type a NameID in the free-text field.');
      return { kind: 'ok', nameId: person.email, attributes: attributesOf(person) };
    }
    case 'typed': {
      const nameId = typeof body.name_id === 'string' ? body.name_id.trim() : '';
      if (nameId.length === 0 || nameId.length > MAX_NAMEID || /[\u0000-\u001f\u007f]/.test(nameId))
        throw badRequest('demo-idp-invalid-nameid', `Type a NameID of 1 to ${MAX_NAMEID} characters without control characters, e.g. ${first.email}.`);
      const known = MOCK_IDP_DIRECTORY.find((p) => p.email === nameId);
      return { kind: 'ok', nameId, attributes: known ? attributesOf(known) : {} };
    }
    case 'unprovisioned':
      return { kind: 'ok', nameId: UNPROVISIONED_PERSON.email, attributes: attributesOf(UNPROVISIONED_PERSON) };
    default:
      // Wrong format and expired: a provisioned person, so the only thing wrong is what the button says.
      return { kind: choice, nameId: first.email, attributes: attributesOf(first) };
  }
}
