import fc from 'fast-check';
import { createTeam, type TestTeam } from './fixtures';
import { call } from './http';
import { anyJson, contentType } from './security-fuzz';
import { startTestServer, type TestServer } from './server';
import { connectedIdp } from './sso';
import { TestIdp } from './test-idp';

/**
 * Defines the fuzzing of the non-SCIM surface (quick: test/security/api-fuzz.test.ts; stress: test/stress/api-fuzz.test.ts).
 * The non-SCIM surface an anonymous attacker or a signed-in admin can reach — sign-in, tokens,
 * identity providers, the ACS, SSO start pages, the pages' forms — with arbitrary JSON, forms,
 * repeated query parameters and content types: never a 5xx, and API errors keep their
 * {code,label,message} shape.
 */
export function defineApiFuzz(runs: number): void {
  let server: TestServer;
  let acme: TestTeam;
  let idpId: string;
  beforeAll(async () => {
    // A high login limit so the fuzzer exercises the handlers rather than the limiter.
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100000' });
    acme = await createTeam(server, 'Acme');
    idpId = await connectedIdp(server, acme, TestIdp.create({ entityId: 'https://idp.acme.test/metadata' }));
  });
  afterAll(() => server.close());

  const queryValue = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', '/', '//evil.test', 'https://evil.test/x', 'javascript:alert(1)', '/\\evil.test', '%2F%2Fevil.test', 'true', 'false', '__proto__'));
  /** A query string with repeated keys (arrays after parsing) and odd encodings. */
  const queryString = (keys: string[]) =>
    fc.array(fc.tuple(fc.constantFrom(...keys, '__proto__', 'constructor', 'x[y]'), queryValue), { maxLength: 4 }).map((pairs) => {
      const q = new URLSearchParams();
      for (const [k, v] of pairs) q.append(k, v);
      const s = q.toString();
      return s ? `?${s}` : '';
    });
  const formBody = fc.array(fc.tuple(fc.constantFrom('SAMLResponse', 'RelayState', '_csrf', 'email', 'password', 'code', 'name', '__proto__', 'x'), fc.oneof(fc.string({ maxLength: 40 }), fc.base64String({ maxLength: 200 }))), { maxLength: 6 }).map((pairs) => new URLSearchParams(pairs).toString());

  type Target = { method: string; path: (id: string) => string; auth: boolean; keys: string[]; body: 'json' | 'form' | 'none' };
  const targets: Target[] = [
    { method: 'POST', path: () => '/login', auth: false, keys: ['persist'], body: 'json' },
    { method: 'GET', path: () => '/self', auth: true, keys: [], body: 'none' },
    { method: 'POST', path: () => '/scim/auth-tokens', auth: true, keys: [], body: 'json' },
    { method: 'PUT', path: (id) => `/scim/auth-tokens/${id}`, auth: true, keys: [], body: 'json' },
    { method: 'DELETE', path: () => '/scim/auth-tokens', auth: true, keys: ['id'], body: 'none' },
    { method: 'POST', path: () => '/identity-providers', auth: true, keys: ['handle', 'replaces', 'allow_idp_initiated'], body: 'json' },
    { method: 'PUT', path: (id) => `/identity-providers/${id}`, auth: true, keys: ['handle', 'allow_idp_initiated'], body: 'json' },
    { method: 'GET', path: (id) => `/identity-providers/${id}/test/${id}`, auth: true, keys: [], body: 'none' },
    { method: 'DELETE', path: (id) => `/identity-providers/${id}`, auth: true, keys: ['purge'], body: 'none' },
    { method: 'GET', path: (id) => `/sso/initiate-login/${id}`, auth: false, keys: ['success_redirect', 'error_redirect'], body: 'none' },
    { method: 'GET', path: (id) => `/sso/start/${id}`, auth: false, keys: ['success_redirect', 'error_redirect'], body: 'none' },
    { method: 'GET', path: (id) => `/sso/metadata/${id}`, auth: false, keys: [], body: 'none' },
    { method: 'POST', path: (id) => `/sso/finalize-login/${id}`, auth: false, keys: [], body: 'form' },
    { method: 'POST', path: () => '/access', auth: false, keys: [], body: 'none' },
    { method: 'GET', path: () => '/sso/error', auth: false, keys: ['label'], body: 'none' },
    { method: 'GET', path: () => '/admin/login', auth: false, keys: ['next', 'error'], body: 'none' },
    { method: 'POST', path: () => '/admin/login', auth: false, keys: ['next'], body: 'form' },
    { method: 'POST', path: () => '/login/code', auth: false, keys: [], body: 'form' },
  ];

  test('When anyone sends arbitrary bodies, repeated query parameters, odd ids and content types to the accounts, IdP, SSO and page routes, then there is never a 5xx', async () => {
    const id = fc.oneof(fc.constant(''), fc.uuid(), fc.string({ maxLength: 20 }), fc.constantFrom('sso-x', '..', '%00', 'me'));
    const request = fc.record({
      target: fc.constantFrom(...targets),
      id: fc.oneof(id, fc.constant('__idp__'), fc.constant('__team__')),
      query: fc.constant(null),
      json: anyJson,
      form: formBody,
      type: fc.option(contentType, { nil: undefined }),
      seed: fc.nat(),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const idValue = r.id === '__idp__' ? idpId : r.id === '__team__' ? acme.teamId : encodeURIComponent(r.id);
        const query = fc.sample(queryString(r.target.keys), { numRuns: 1, seed: r.seed })[0]!;
        const headers: Record<string, string> = {};
        let body: string | undefined;
        if (r.target.body === 'json') {
          body = JSON.stringify(r.json) ?? 'null';
          headers['content-type'] = r.type ?? 'application/json';
        } else if (r.target.body === 'form') {
          body = r.form;
          headers['content-type'] = r.type ?? 'application/x-www-form-urlencoded';
        }
        const reply = await call(server.url, r.target.method, r.target.path(idValue) + query, { token: r.target.auth ? acme.accessToken : undefined, body, headers });
        if (reply.status >= 500) throw new Error(`${r.target.method} ${r.target.path(idValue)}${query} ${body?.slice(0, 200)} → ${reply.status} ${reply.text.slice(0, 300)}`);
        const isJsonError = reply.status >= 400 && (reply.headers.get('content-type') ?? '').includes('application/json');
        if (isJsonError && !(typeof reply.body?.label === 'string' && typeof reply.body?.message === 'string' && reply.body.code === reply.status))
          throw new Error(`${r.target.method} ${r.target.path(idValue)} → ${reply.status} without {code,label,message}: ${reply.text.slice(0, 200)}`);
      }),
      { numRuns: runs },
    );
    // The IdP the fuzzer could have deleted is allowed to be gone; the team and its owner are not.
    expect((await call(server.url, 'GET', '/self', { token: acme.accessToken })).status).toBe(200);
  }, 180_000);
}
