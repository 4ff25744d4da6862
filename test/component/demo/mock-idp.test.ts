import { deflateRawSync } from 'node:zlib';
import { FOURTH_PERSON, PROVISIONED_PEOPLE, scimUserBody } from '../../../src/demo/demo-people';
import { seedDemo, type DemoSeed } from '../../../src/demo/demo-setup';
import { createTeam, createScimToken } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { labelOf } from '../../support/sso';
import { parseFormPostHtml } from '../../support/test-idp';

/** A tiny cookie jar: what a browser would carry from the login start to the ACS. */
class Browserish {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}
  async request(method: string, pathOrUrl: string, form?: Record<string, string>) {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : this.base + pathOrUrl;
    const res = await fetch(url, { method, headers, body: form ? new URLSearchParams(form).toString() : undefined, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text(), csp: res.headers.get('content-security-policy') };
  }
  cookie(name: string) {
    return this.cookies.get(name);
  }
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('The mock IdP of demo mode (/demo-idp/)', () => {
  let server: TestServer;
  let seed: DemoSeed;
  beforeAll(async () => {
    server = await startTestServer({ GATEHOUSE_DEMO: '1' });
    seed = await seedDemo(server.url, server.services.accounts);
  });
  afterAll(() => server?.close());

  test('When the demo is seeded, then the team connection is the mock IdP from its own metadata, and audit shows who did each step', async () => {
    const owner = await call(server.url, 'POST', '/login?persist=false', { json: { email: seed.ownerEmail, password: seed.ownerPassword } });
    const raw = await call(server.url, 'GET', `/identity-providers/${seed.idpId}/raw`, { token: owner.body.access_token });
    const metadata = await call(server.url, 'GET', '/demo-idp/metadata');
    expect(raw.text).toBe(metadata.text);
    expect(metadata.text).toContain(`entityID="${server.url}/demo-idp/metadata"`);
    const audit = await server.services.store.audit.list({ teamId: seed.teamId, limit: 100 });
    const created = audit.filter((e) => e.action === 'user.created');
    expect(created).toHaveLength(PROVISIONED_PEOPLE.length);
    expect(new Set(created.map((e) => e.actor.type))).toEqual(new Set(['scim-token']));
    expect(audit.find((e) => e.action === 'idp.created')?.actor).toMatchObject({ type: 'user', name: seed.ownerEmail });
    expect(audit.find((e) => e.action === 'group.members.changed')?.actor.type).toBe('scim-token');
  });

  test('When an SP sends the AuthnRequest by HTTP-Redirect, then the mock IdP reads it, and its signed answer signs the person in at the ACS', async () => {
    // A second team whose connection offers only the Redirect binding (the same mock IdP, metadata edited as an admin could).
    const acme = await createTeam(server, 'Acme');
    const metadata = (await call(server.url, 'GET', '/demo-idp/metadata')).text.replace(/<md:SingleSignOnService Binding="[^"]*HTTP-POST"[^>]*\/>/, '');
    const idp = await call(server.url, 'POST', '/identity-providers', { token: acme.accessToken, json: { metadata } });
    expect(idp.status).toBe(201);
    expect(idp.body.binding).toBe('HTTP-Redirect');
    const token = await createScimToken(server, acme);
    const user = await call(server.url, 'POST', '/scim/v2/Users', { token, json: { ...scimUserBody(FOURTH_PERSON), userName: 'kj.acme' } });
    expect(user.status).toBe(201);

    const browser = new Browserish(server.url);
    const start = await browser.request('GET', `/sso/start/${idp.body.login_code}`);
    expect(start.status).toBe(302);
    expect(start.location).toMatch(new RegExp(`^${server.url}/demo-idp/sso\\?SAMLRequest=`));
    const signIn = await browser.request('GET', start.location!);
    expect(signIn.status).toBe(200);
    expect(signIn.text).toContain('HTTP-Redirect binding');
    expect(signIn.text).toContain('demo-banner');

    const form = parseFormPostHtml(signIn.text);
    const posted = await browser.request('POST', '/demo-idp/respond', { ...form.fields, choice: 'typed', name_id: FOURTH_PERSON.email });
    expect(posted.status).toBe(200);
    expect(posted.csp).toContain(`form-action ${server.url}`);
    const toAcs = parseFormPostHtml(posted.text);
    expect(toAcs.action).toBe(`${server.url}/sso/finalize-login/${acme.teamId}`);
    const assertionXml = Buffer.from(toAcs.fields.SAMLResponse!, 'base64').toString('utf8');
    expect(assertionXml).toContain('Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"');

    const acs = await browser.request('POST', toAcs.action, toAcs.fields);
    expect(acs.status).toBe(303);
    expect(acs.location).toBe('/me');
    expect(browser.cookie('gh_session')).toBeTruthy();
    const me = await browser.request('GET', '/me');
    expect(me.text).toContain(FOURTH_PERSON.displayName);
  });

  test("When a team on the directory SCIM profile starts a sign-in, then the mock IdP's hint says the NameID must equal the userName, not the externalId", async () => {
    const initech = await createTeam(server, 'Initech');
    const metadata = (await call(server.url, 'GET', '/demo-idp/metadata')).text;
    const idp = await call(server.url, 'POST', '/identity-providers', { token: initech.accessToken, json: { metadata } });
    expect(idp.status).toBe(201);
    const hintOf = async () => {
      const browser = new Browserish(server.url);
      const start = await browser.request('GET', `/sso/start/${idp.body.login_code}`);
      const page = start.status === 302 ? await browser.request('GET', start.location!) : await browser.request('POST', parseFormPostHtml(start.text).action, parseFormPostHtml(start.text).fields);
      expect(page.status).toBe(200);
      return /<p class="hint" id="name_id-hint">([\s\S]*?)<\/p>/.exec(page.text)![1]!;
    };
    expect(await hintOf()).toContain("SCIM user's <code>externalId</code>");
    await call(server.url, 'PUT', '/team/settings', { token: initech.accessToken, json: { scim_profile: 'directory' } });
    const hint = await hintOf();
    expect(hint).toContain("SCIM user's <code>userName</code> (ignoring case)");
    expect(hint).not.toContain('externalId');
  });

  test('When an attacker sends the mock IdP an AuthnRequest for another service, then it refuses to sign anything for it (400, no SAMLResponse)', async () => {
    const foreign = `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_evil1" Version="2.0" AssertionConsumerServiceURL="https://evil.example/acs"><saml:Issuer>https://evil.example/sp</saml:Issuer></samlp:AuthnRequest>`;
    const browser = new Browserish(server.url);
    const page = await browser.request('POST', '/demo-idp/sso', { SAMLRequest: b64(foreign) });
    expect(page.status).toBe(400);
    expect(page.text).toContain('is not an ACS of this Gatehouse');
    // The same request smuggled straight into the answer form.
    const answer = await browser.request('POST', '/demo-idp/respond', { request: b64(foreign), choice: `person:${PROVISIONED_PEOPLE[0]!.email}` });
    expect(answer.status).toBe(400);
    expect(answer.text).not.toContain('SAMLResponse');
  });

  test("When an attacker names one team's ACS with another entityID as Issuer, then the mock IdP refuses (no assertion with a mismatched audience)", async () => {
    const acs = `${server.url}/sso/finalize-login/${seed.teamId}`;
    const request = `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_evil2" Version="2.0" AssertionConsumerServiceURL="${acs}"><saml:Issuer>${server.url}/sso/metadata/00000000-0000-4000-8000-000000000000</saml:Issuer></samlp:AuthnRequest>`;
    const page = await new Browserish(server.url).request('POST', '/demo-idp/sso', { SAMLRequest: b64(request) });
    expect(page.status).toBe(400);
    expect(page.text).toContain('is not the entityID of the team whose ACS it names');
  });

  test('When an attacker posts a DOCTYPE in the SAMLRequest, then the mock IdP refuses it before reading entities', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x">&x;</samlp:AuthnRequest>`;
    const page = await new Browserish(server.url).request('GET', `/demo-idp/sso?SAMLRequest=${encodeURIComponent(deflateRawSync(xxe).toString('base64'))}`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('not usable XML');
    expect(page.text).not.toContain('root:');
  });

  test.each([
    ['no SAMLRequest', 'POST', '/demo-idp/sso', {}, 'no SAMLRequest came with the request'],
    ['an unknown choice', 'POST', '/demo-idp/respond', { choice: 'admin' }, 'Pick a person or one of the buttons'],
    ['an empty typed NameID', 'POST', '/demo-idp/respond', { choice: 'typed', name_id: '  ' }, 'Type a NameID of 1 to 256 characters'],
    ['a person not in the directory', 'POST', '/demo-idp/respond', { choice: 'person:mallory@evil.test' }, 'Pick one of the listed demo people'],
  ] as const)('When the mock IdP gets %s, then a 400 page says what to do', async (_what, method, p, fields, message) => {
    // A valid request, so only the field under test is wrong.
    const browser = new Browserish(server.url);
    const start = await browser.request('GET', `/sso/start/${seed.loginCode}`);
    const request = parseFormPostHtml(start.text).fields.SAMLRequest!;
    const body: Record<string, string> = p.endsWith('/respond') ? { request, ...fields } : { ...fields };
    const page = await browser.request(method, p, body);
    expect(page.status).toBe(400);
    expect(page.text).toContain(message);
  });

  test.each([
    ['person:ada@demo.test', 'passed', null, /ada@demo\.test/],
    ['wrong-format', 'failed', 'nameid-format-unsupported', /nameid-format:persistent/],
    ['expired', 'failed', 'assertion-expired', /expired/i],
    ['unprovisioned', 'failed', 'not-provisioned', /edsger@demo\.test/],
  ])('When the owner runs a test connection and the mock IdP answers "%s", then the report says %s (%s) and why', async (choice, outcome, label, why) => {
    const owner = await call(server.url, 'POST', '/login?persist=false', { json: { email: seed.ownerEmail, password: seed.ownerPassword } });
    const token = owner.body.access_token as string;
    const run = await call(server.url, 'POST', `/identity-providers/${seed.idpId}/test`, { token });
    expect(run.status).toBe(201);
    const browser = new Browserish(server.url);
    const start = await browser.request('GET', run.body.url);
    const signIn = await browser.request('POST', '/demo-idp/sso', parseFormPostHtml(start.text).fields);
    const answer = await browser.request('POST', '/demo-idp/respond', { ...parseFormPostHtml(signIn.text).fields, choice });
    const toAcs = parseFormPostHtml(answer.text);
    const acs = await browser.request('POST', toAcs.action, toAcs.fields);
    expect(acs.location).toBe(`/sso/test-result/${run.body.id}`);
    expect(browser.cookie('gh_session')).toBeUndefined();
    const view = await call(server.url, 'GET', `/identity-providers/${seed.idpId}/test/${run.body.id}`, { token });
    expect(view.body.report).toMatchObject({ outcome, label });
    expect(JSON.stringify(view.body.report)).toMatch(why);
  });

  test('When a demo server renders Gatehouse pages, then each carries the demo banner', async () => {
    for (const p of ['/', '/login', '/admin/login', '/sso/error?label=not-provisioned']) {
      const page = await call(server.url, 'GET', p);
      expect({ p, banner: page.text.includes('This Gatehouse runs in demo mode') }).toEqual({ p, banner: true });
    }
  });

  test('When the mock IdP answers "unprovisioned", then the ACS refuses with not-provisioned and signs no one in', async () => {
    const browser = new Browserish(server.url);
    const start = await browser.request('GET', `/sso/start/${seed.loginCode}`);
    const signIn = await browser.request('POST', '/demo-idp/sso', parseFormPostHtml(start.text).fields);
    const answer = await browser.request('POST', '/demo-idp/respond', { ...parseFormPostHtml(signIn.text).fields, choice: 'unprovisioned' });
    const toAcs = parseFormPostHtml(answer.text);
    const acs = await browser.request('POST', toAcs.action, toAcs.fields);
    expect(labelOf(acs.location)).toBe('not-provisioned');
    expect(browser.cookie('gh_session')).toBeUndefined();
  });
});

describe('Gatehouse outside demo mode', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  test('When demo mode is off, then /demo-idp/ answers 404 and pages carry no demo banner', async () => {
    expect((await call(server.url, 'GET', '/demo-idp/metadata')).status).toBe(404);
    expect((await call(server.url, 'POST', '/demo-idp/respond', { body: 'choice=typed&name_id=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(404);
    expect((await call(server.url, 'GET', '/login')).text).not.toContain('demo mode');
  });
});
