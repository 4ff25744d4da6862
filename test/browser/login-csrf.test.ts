import { createTeam, type TestTeam } from '../support/fixtures';
import { call } from '../support/http';
import { startTestServer, type TestServer } from '../support/server';
import { TestIdp } from '../support/test-idp';
import { launchChromium, type Browser } from './support/chromium';
import { TestIdpServer } from './support/idp-server';

jest.setTimeout(180_000);

/**
 * Login CSRF in real Chromium: an attacker (a member of the team) signs in at the IdP in their own
 * browser, keeps the signed response instead of letting it reach Gatehouse, and makes a victim's
 * browser post it to the ACS. The victim's browser never started that sign-in, so it is refused.
 */
describe('login CSRF in the browser', () => {
  let server: TestServer;
  let acme: TestTeam;
  let idp: TestIdpServer;
  let idpId: string;
  let attacker: Browser;
  let victim: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    acme = await createTeam(server, 'Acme');
    idp = await new TestIdpServer(TestIdp.create({ entityId: 'https://idp.acme.test/metadata' }), server).start();
    const connected = await call(server.url, 'POST', '/identity-providers', { token: acme.accessToken, body: idp.metadataXml(), headers: { 'content-type': 'application/xml' } });
    expect(connected.status).toBe(201);
    idpId = connected.body.id;
    attacker = await launchChromium();
    victim = await launchChromium();
  });
  afterAll(async () => {
    await attacker?.close();
    await victim?.close();
    await idp?.close();
    await server?.close();
  });

  test("When an attacker's signed response is auto-posted from a victim's browser, then Gatehouse refuses it and the victim is not signed in as the attacker", async () => {
    idp.next = { nameId: 'mallory@acme.test' };
    const page = await attacker.context.newPage();
    // The attacker stops their own browser at the ACS and keeps the form it was about to post.
    let captured = '';
    await page.route('**/sso/finalize-login/**', async (route) => {
      captured = route.request().postData() ?? '';
      await route.abort();
    });
    await page.goto(`${server.url}/sso/initiate-login/${idpId}`).catch(() => undefined);
    await page.waitForTimeout(500);
    expect(captured).toContain('SAMLResponse=');
    const fields = new URLSearchParams(captured);

    // A page the attacker controls, opened by the victim: it posts the captured response to the ACS.
    const victimPage = await victim.context.newPage();
    const inputs = [...fields].map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replace(/"/g, '&quot;')}">`).join('');
    await victimPage.setContent(`<form method="post" action="${server.url}/sso/finalize-login/${acme.teamId}">${inputs}</form><script>document.forms[0].submit()</script>`);
    await victimPage.waitForURL((url) => url.pathname === '/sso/error');
    expect(new URL(victimPage.url()).searchParams.get('label')).toBe('login-not-started-here');
    await victimPage.getByText('This sign-in was not started in this browser').waitFor();
    expect(await victimPage.getByRole('link', { name: 'Start again' }).getAttribute('href')).toBe(`/sso/start/${idpId}`);
    expect((await victim.context.cookies()).some((c) => c.name === 'gh_session')).toBe(false);
    expect(await server.services.store.users.findByNameId(acme.teamId, idpId, 'mallory@acme.test')).toBeNull();
  });

  test('When a person signs in normally in their own browser, then the binding cookie travels with the IdP\'s POST and they land signed in', async () => {
    idp.next = { nameId: 'victim@acme.test' };
    const page = await victim.context.newPage();
    await page.goto(`${server.url}/sso/initiate-login/${idpId}`);
    await page.waitForURL(`${server.url}/me`);
    expect((await victim.context.cookies()).some((c) => c.name === 'gh_session')).toBe(true);
  });
});
