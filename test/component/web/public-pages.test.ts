import { parseLoginCode } from '../../../src/accounts/login-code';
import type { SamlRefusalLabel } from '../../../src/saml';
import { SSO_ERROR_MESSAGES, ssoErrorMessage, type SsoErrorMessage } from '../../../src/web/sso-error-messages';
import { createTeam } from '../../support/fixtures';
import { startTestServer, type TestServer } from '../../support/server';
import { PageClient, visibleText } from './page-client';

// Compile-time: every refusal the SAML core can produce has a text here.
const everySamlRefusalHasAText: Record<Exclude<SamlRefusalLabel, `idp-status-${string}`>, SsoErrorMessage> = SSO_ERROR_MESSAGES;

const IDP = '3f1c2a4e-8b7d-4c6e-9f01-23456789abcd';

describe('parseLoginCode', () => {
  test.each([
    [`sso-${IDP}`, IDP],
    [IDP, IDP],
    [`SSO-${IDP.toUpperCase()}`, IDP],
    [`  sso-${IDP}\n`, IDP],
    [`\u200bsso-${IDP}\ufeff`, IDP],
    [`sso- ${IDP.slice(0, 8)} ${IDP.slice(8)}`, IDP],
    [`https://gatehouse.example/sso/start/sso-${IDP}`, IDP],
    [`https://gatehouse.example/sso/initiate-login/${IDP}?x=1`, IDP],
  ])('When someone pastes %j, then it reads as the IdP id', (text, expected) => {
    expect(parseLoginCode(text)).toBe(expected);
  });

  test.each(['', 'sso-', 'sso-nope', `sso-${IDP}x`, `wire-${IDP}`, IDP.replace(/-/g, ''), 'x'.repeat(5000)])('When the text is %j, then it is no code', (text) => {
    expect(parseLoginCode(text)).toBeNull();
  });
});

describe('Landing, enterprise login and sign-in error pages', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('When someone opens /, then the landing page names the product and links to both ways in', async () => {
    const res = await new PageClient(server.url).get('/');
    expect(res.status).toBe(200);
    expect(res.html).toContain('<title>Welcome · Gatehouse</title>');
    expect(res.html).toContain('href="/login"');
    expect(res.html).toContain('href="/admin/login"');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  test('When the stylesheet and script are requested, then we serve them ourselves', async () => {
    const css = await fetch(`${server.url}/assets/gatehouse.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
    const js = await fetch(`${server.url}/assets/gatehouse.js`);
    expect(js.status).toBe(200);
  });

  test('When a person types a code that is not a code, then the page says what a code looks like', async () => {
    const browser = new PageClient(server.url);
    const res = await browser.submit('/login', '/login/code', { code: 'hello' });
    expect(res.status).toBe(400);
    expect(visibleText(res.html)).toContain('That is not a login code.');
    expect(res.html).toContain('aria-invalid="true"');
    expect(res.html).toContain('value="hello"');
  });

  test('When a person types a well-formed code that no IdP has, then the page says the code is unknown', async () => {
    const browser = new PageClient(server.url);
    const res = await browser.submit('/login', '/login/code', { code: ` SSO-${IDP.toUpperCase()} ` });
    expect(res.status).toBe(404);
    expect(visibleText(res.html)).toContain(`Unknown code: no identity provider uses sso-${IDP}.`);
  });

  test('When the enterprise-login page is served, then its forms may lead on to the company IdP (form-action)', async () => {
    const res = await new PageClient(server.url).get('/login');
    expect(res.headers.get('content-security-policy')).toMatch(/form-action 'self' https: http:/);
    expect((await new PageClient(server.url).get('/')).headers.get('content-security-policy')).toMatch(/form-action 'self';/);
  });

  test('When the instance runs on plain http, then the CSP does not upgrade its own assets and forms to https', async () => {
    const csp = (await new PageClient(server.url).get('/')).headers.get('content-security-policy')!;
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(csp).toContain("default-src 'self'");
    const tls = await startTestServer({ PUBLIC_URL: 'https://gatehouse.test' });
    try {
      expect((await fetch(`${tls.url}/`)).headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    } finally {
      await tls.close();
    }
  });

  test('When the code form is posted without its CSRF token, then it is refused', async () => {
    const browser = new PageClient(server.url);
    await browser.get('/login');
    const res = await browser.post('/login/code', { code: `sso-${IDP}` }, { csrf: false });
    expect(res.status).toBe(403);
  });

  test.each(Object.keys(SSO_ERROR_MESSAGES))('When SSO refuses with %s, then the error page explains it and what to tell the admin', async (label) => {
    const res = await new PageClient(server.url).get(`/sso/error?label=${label}`);
    expect(res.status).toBe(200);
    const text = visibleText(res.html);
    const message = SSO_ERROR_MESSAGES[label as keyof typeof SSO_ERROR_MESSAGES];
    expect(text).toContain(visibleText(message.title));
    expect(text).toContain('What to tell your admin');
    expect(text).toContain(`Error code: ${label}`);
  });

  test('When the IdP answered with a status we have no own text for, then the IdP-status text is used', () => {
    expect(ssoErrorMessage('idp-status-no-passive')).toBe(SSO_ERROR_MESSAGES['idp-status-failure']);
    expect(Object.keys(everySamlRefusalHasAText).length).toBeGreaterThan(20);
  });

  test('When the label is unknown or hostile, then a generic explanation shows and nothing is echoed unescaped', async () => {
    const odd = visibleText((await new PageClient(server.url).get('/sso/error?label=brand-new-label')).html);
    expect(odd).toContain('Sign-in did not work');
    expect(odd).toContain('brand-new-label');
    const hostile = await new PageClient(server.url).get('/sso/error?label=%3Cscript%3Ealert(1)%3C/script%3E');
    expect(hostile.html).not.toContain('<script>alert');
    expect(visibleText(hostile.html)).toContain('Sign-in did not work');
  });

  test('When an unknown page under /admin is opened by an admin, then a 404 page (not JSON) answers; API paths keep JSON', async () => {
    const team = await createTeam(server, 'Four');
    const browser = new PageClient(server.url);
    await browser.signIn(team.email, team.password);
    const res = await browser.get('/admin/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(visibleText(res.html)).toContain('Page not found');
    const api = await fetch(`${server.url}/nothing-here`);
    expect(api.headers.get('content-type')).toMatch(/application\/json/);
  });
});
