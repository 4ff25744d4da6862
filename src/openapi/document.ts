/**
 * The OpenAPI 3.1 description of Gatehouse's HTTP API, served at GET /openapi.json.
 * Written by hand (no generator dependency); test/component/ops/openapi.test.ts walks the real
 * Express router and fails when a JSON-API route is missing here or a path here has no route.
 * Pages (/admin/*, /login, /me, /assets…) are not part of the API and are not listed.
 */
import { schemas } from './schemas';
import { directoryHandoverPaths, emailValidationPaths, invitationPaths, provisioningLogPaths, teamSettingsPaths } from './account-paths';
import { scimPaths } from './scim-paths';

type Json = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const scimJson = (schema: Json, description = 'OK') => ({ description, content: { 'application/scim+json': { schema }, 'application/json': { schema } } });
const error = (description: string) => json(ref('Error'), description);
const noContent = { description: 'No Content' };
const pathParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const query = (name: string, description: string, schema: Json = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const jsonBody = (schema: Json, required = true) => ({ required, content: { 'application/json': { schema } } });

const bearer = [{ accessToken: [] }];
const adminOnly = { 401: error('missing or invalid access token'), 403: error('not an owner or admin of the team') };

const idpBody = {
  required: true,
  content: {
    'application/xml': { schema: { type: 'string', description: 'IdP metadata XML' } },
    'text/xml': { schema: { type: 'string' } },
    'application/json': { schema: ref('IdentityProviderSettings') },
  },
};
const idp = pathParam('idp', 'IdP connection id');

export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse',
      version: '0.1.0',
      description:
        'Self-hosted SAML 2.0 service provider and SCIM 2.0 server. Errors outside SCIM are `{"code","label","message"}`; SCIM errors follow RFC 7644. Malformed JSON → 400, wrong content type → 415, body too large → 413, unknown route → 404.',
    },
    servers: [{ url: '/', description: 'PUBLIC_URL of the instance' }],
    tags: [
      { name: 'accounts', description: 'sign-in, the caller, the team' },
      { name: 'scim-tokens', description: 'SCIM bearer tokens of a team' },
      { name: 'scim', description: 'SCIM 2.0 (RFC 7643/7644) at /scim/v2 (also served at /scim)' },
      { name: 'identity-providers', description: "a team's SAML IdP connections" },
      { name: 'sso', description: 'SAML service provider endpoints' },
      { name: 'invitations', description: 'invitation links for password users' },
      { name: 'operations', description: 'health, metrics, this document' },
    ],
    components: {
      securitySchemes: {
        accessToken: { type: 'http', scheme: 'bearer', description: 'from POST /login or POST /access; lives 900 s' },
        scimToken: { type: 'http', scheme: 'bearer', description: 'a team SCIM token (gscim_…)' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'gh_session' },
      },
      schemas,
    },
    paths: {
      // ── operations ──
      '/healthz': { get: { tags: ['operations'], summary: 'Liveness', responses: { 200: json({ type: 'object', properties: { status: { const: 'ok' } } }) } } },
      '/readyz': {
        get: {
          tags: ['operations'],
          summary: 'Readiness: the store answers',
          responses: { 200: json({ type: 'object', properties: { status: { const: 'ready' }, store: { enum: ['sqlite', 'mongo'] } } }), 503: error('store-unavailable') },
        },
      },
      '/metrics': {
        get: {
          tags: ['operations'],
          summary: 'Prometheus metrics (requests and latency by route, SCIM operations, SAML logins by outcome, store latency)',
          security: [{ metricsToken: [] }],
          responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } }, 401: error('wrong token'), 404: error('METRICS_TOKEN unset') },
        },
      },
      '/openapi.json': { get: { tags: ['operations'], summary: 'This document', responses: { 200: json({ type: 'object' }) } } },

      // ── accounts ──
      '/login': {
        post: {
          tags: ['accounts'],
          summary: 'Password sign-in (owners and admins)',
          parameters: [query('persist', 'accepted for compatibility (true or false; anything else is 400): either way the answer is an access token, never a browser session', { type: 'boolean' })],
          requestBody: jsonBody(ref('LoginRequest')),
          responses: { 200: json(ref('AccessToken')), 403: error('wrong email or password (same answer for both)'), 429: error('rate-limited per IP and per email') },
        },
      },
      '/self': { get: { tags: ['accounts'], summary: 'The caller', security: bearer, responses: { 200: json(ref('Self')), 401: error('missing or invalid access token') } } },
      '/team': { get: { tags: ['accounts'], summary: "The caller's team", security: bearer, responses: { 200: json(ref('Team')), 401: error('missing or invalid access token') } } },
      '/logout': { post: { tags: ['accounts'], summary: 'Revokes the access token', security: bearer, responses: { 204: noContent, 401: error('missing or invalid access token') } } },

      // ── SCIM tokens ──
      '/scim/auth-tokens': {
        post: {
          tags: ['scim-tokens'],
          summary: 'Create a SCIM token (the secret is shown once)',
          security: bearer,
          requestBody: jsonBody(ref('ScimTokenCreate')),
          responses: { 200: json(ref('ScimTokenCreated')), ...adminOnly, 429: error('rate-limited') },
        },
        get: { tags: ['scim-tokens'], summary: "List the team's tokens (never the secrets)", security: bearer, responses: { 200: json({ type: 'object', properties: { tokens: { type: 'array', items: ref('ScimTokenInfo') } } }), ...adminOnly } },
        delete: {
          tags: ['scim-tokens'],
          summary: 'Delete a token',
          security: bearer,
          parameters: [{ ...query('id', 'token id'), required: true }],
          responses: { 204: noContent, ...adminOnly, 404: error('no such token') },
        },
      },
      '/scim/auth-tokens/{id}': {
        put: {
          tags: ['scim-tokens'],
          summary: 'Rename a token',
          security: bearer,
          parameters: [pathParam('id', 'token id')],
          requestBody: jsonBody({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } }),
          responses: { 200: json(ref('ScimTokenInfo')), ...adminOnly, 404: error('no such token') },
        },
      },

      // ── identity providers ──
      '/identity-providers': {
        post: {
          tags: ['identity-providers'],
          summary: 'Connect an IdP from metadata (XML body, {"metadata"} or {"metadata_url"})',
          security: bearer,
          parameters: [query('handle', 'short name, unique in the team'), query('replaces', 'id of the IdP this one replaces (rotation)'), query('allow_idp_initiated', 'accept unsolicited responses', { type: 'boolean' }), query('require_encrypted_assertions', 'refuse unencrypted assertions', { type: 'boolean' })],
          requestBody: idpBody,
          responses: { 201: json(ref('IdentityProvider'), 'Created'), 400: error('broken metadata, named (signing-certificate-missing, sso-service-missing, doctype-forbidden…)'), ...adminOnly, 409: error('idp-exists') },
        },
        get: {
          tags: ['identity-providers'],
          summary: "The team's IdP connections (with user counts)",
          security: bearer,
          responses: { 200: json({ type: 'object', properties: { providers: { type: 'array', items: ref('IdentityProvider') } } }), ...adminOnly },
        },
      },
      '/identity-providers/{idp}': {
        get: { tags: ['identity-providers'], summary: 'One connection', security: bearer, parameters: [idp], responses: { 200: json(ref('IdentityProvider')), ...adminOnly, 404: error('no such IdP') } },
        put: {
          tags: ['identity-providers'],
          summary: 'New metadata and/or settings; same id',
          security: bearer,
          parameters: [idp],
          requestBody: idpBody,
          responses: { 200: json(ref('IdentityProvider')), 400: error('broken metadata'), ...adminOnly, 404: error('no such IdP'), 409: error('idp-exists') },
        },
        delete: {
          tags: ['identity-providers'],
          summary: 'Disconnect; refused while users are bound unless purge=true; the SCIM tokens bound to it are deleted with it',
          security: bearer,
          parameters: [idp, query('purge', 'also delete the bound users', { type: 'boolean' })],
          responses: {
            200: json({ type: 'object', required: ['deleted', 'users_removed', 'tokens_removed'], properties: { deleted: { type: 'string' }, users_removed: { type: 'integer' }, tokens_removed: { type: 'integer' } } }, 'Deleted, with what went along'),
            ...adminOnly,
            404: error('no such IdP'),
            409: error('idp-has-users'),
          },
        },
      },
      '/identity-providers/{idp}/raw': {
        get: {
          tags: ['identity-providers'],
          summary: 'The metadata XML as stored',
          security: bearer,
          parameters: [idp],
          responses: { 200: { description: 'XML', content: { 'application/xml': { schema: { type: 'string' } } } }, ...adminOnly, 404: error('no such IdP') },
        },
      },
      '/identity-providers/{idp}/test': {
        post: { tags: ['identity-providers'], summary: 'Start a test connection run', security: bearer, parameters: [idp], responses: { 201: json(ref('TestRun'), 'Created'), ...adminOnly, 404: error('no such IdP') } },
      },
      '/identity-providers/{idp}/test/{run}': {
        get: {
          tags: ['identity-providers'],
          summary: 'The report of a test run',
          security: bearer,
          parameters: [idp, pathParam('run', 'test run id')],
          responses: { 200: json(ref('TestRunReport')), ...adminOnly, 404: error('no such run') },
        },
      },

      // ── SSO ──
      '/sso/metadata/{team}': {
        get: {
          tags: ['sso'],
          summary: "The team's SP metadata (its URL is the SP entityID)",
          parameters: [pathParam('team', 'team id')],
          responses: { 200: { description: 'SAML metadata', content: { 'application/samlmetadata+xml': { schema: { type: 'string' } }, 'application/xml': { schema: { type: 'string' } } } }, 404: error('no such team') },
        },
      },
      '/sso/settings': { get: { tags: ['sso'], summary: 'Instance SSO settings', responses: { 200: json({ type: 'object', properties: { default_sso_code: { type: ['string', 'null'] } } }) } } },
      '/sso/initiate-login/{idp}': {
        get: {
          tags: ['sso'],
          summary: 'Signed AuthnRequest: auto-posting page (HTTP-POST) or 302 (HTTP-Redirect)',
          parameters: [idp, query('success_redirect', 'path on this host or an origin in REDIRECT_ALLOWLIST'), query('error_redirect', 'same rules; gets ?label=')],
          responses: { 200: { description: 'auto-posting HTML form', content: { 'text/html': { schema: { type: 'string' } } } }, 302: { description: 'to the IdP (HTTP-Redirect)' }, 400: error('redirect target not allowed'), 404: error('no such IdP') },
        },
        head: { tags: ['sso'], summary: 'Does this IdP exist?', parameters: [idp], responses: { 200: { description: 'exists' }, 404: { description: 'unknown' } } },
      },
      '/sso/start/{code}': {
        get: { tags: ['sso'], summary: 'Initiate login from a login code (sso-…)', parameters: [pathParam('code', 'login code, any case, with or without sso-')], responses: { 200: { description: 'auto-posting HTML form' }, 302: { description: 'to the IdP' }, 404: error('unknown code') } },
      },
      '/sso/test/{run}': {
        get: { tags: ['sso'], summary: 'Open a test connection run (browser)', parameters: [pathParam('run', 'test run id')], responses: { 200: { description: 'auto-posting HTML form' }, 302: { description: 'to the IdP' }, 404: error('no such run or expired') } },
      },
      '/sso/test-result/{run}': {
        get: { tags: ['sso'], summary: 'Where the browser lands after a test run', parameters: [pathParam('run', 'test run id')], responses: { 200: { description: 'HTML or JSON report' }, 404: error('no such run') } },
      },
      '/sso/finalize-login/{team}': {
        post: {
          tags: ['sso'],
          summary: 'The ACS (HTTP-POST binding)',
          parameters: [pathParam('team', 'team id')],
          requestBody: {
            required: true,
            content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', required: ['SAMLResponse'], properties: { SAMLResponse: { type: 'string', description: 'base64' }, RelayState: { type: 'string' } } } } },
          },
          responses: {
            303: {
              description:
                'to success_redirect (default /me) with the gh_session cookie, or to error_redirect?label=… (default /sso/error?label=…): not-provisioned, account-suspended, replayed, unknown-request, request-expired, request-reused, unsolicited-response, unknown-issuer, bound-to-another-idp, nameid-format-mismatch, signature-invalid, wrong-audience…',
            },
          },
        },
      },
      '/access': {
        post: {
          tags: ['sso'],
          summary: 'Access token for the signed-in browser session',
          security: [{ sessionCookie: [] }],
          responses: { 200: json(ref('AccessToken')), 403: error('invalid-session') },
        },
      },
      ...teamSettingsPaths(),
      ...provisioningLogPaths(),
      ...invitationPaths(),
      ...emailValidationPaths(),
      ...directoryHandoverPaths(),
      ...scimPaths(),
    },
  };
}
