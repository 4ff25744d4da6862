import { operatorActor } from '../../../src/accounts/audit';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { addPerson, PageClient, visibleText } from './page-client';

describe('Team management sign-in, sessions and sign-out', () => {
  let server: TestServer;
  let acme: TestTeam;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await createTeam(server, 'Acme');
  });
  afterAll(() => server.close());

  test('When nobody is signed in and opens People, then they are sent to sign in and come back there afterwards', async () => {
    const browser = new PageClient(server.url);
    const people = await browser.get('/admin/people?q=ada');
    expect(people.status).toBe(303);
    expect(people.location).toBe('/admin/login?next=%2Fadmin%2Fpeople%3Fq%3Dada');

    const form = await browser.get(people.location!);
    expect(form.status).toBe(200);
    expect(form.html).toContain('value="/admin/people?q=ada"');
    expect(form.html).toMatch(/<label for="email">Email<\/label>/);
    expect(form.html).toMatch(/<label for="password">Password<\/label>/);

    const signedIn = await browser.post('/admin/login', { email: acme.email, password: acme.password, next: '/admin/people?q=ada' });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/admin/people?q=ada');
    const page = await browser.get('/admin/people');
    expect(page.status).toBe(200);
    expect(visibleText(page.html)).toContain(acme.email);
  });

  test('When an owner signs in, then the session cookie is HttpOnly, SameSite=Lax, Path=/ and not Secure on plain http', async () => {
    const browser = new PageClient(server.url);
    const res = await browser.signIn(acme.email, acme.password);
    const cookie = res.setCookies.find((c) => c.startsWith('gh_session='));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/);
    expect(cookie).toMatch(/Max-Age=43200/);
    const csrfCookie = browser.cookies.get('gh_csrf');
    expect(csrfCookie).toBeDefined();
  });

  test('When the password is wrong, then the form says so, keeps the email and sets no session', async () => {
    const browser = new PageClient(server.url);
    const other = await createTeam(server, 'Wrongpw');
    const res = await browser.signIn(other.email, 'not the password');
    expect(res.status).toBe(403);
    expect(visibleText(res.html)).toContain('Authentication failed: wrong email or password.');
    expect(res.html).toContain(`value="${other.email}"`);
    expect(browser.cookies.has('gh_session')).toBe(false);
  });

  test('When a member signs in at team management, then they are turned away; with an SSO session they see /me but not the admin pages', async () => {
    await addPerson(server, acme.teamId, { name: 'Mia Member', email: 'mia@acme.test', password: 'member-password' });
    const browser = new PageClient(server.url);
    const res = await browser.signIn('mia@acme.test', 'member-password');
    expect(res.status).toBe(403);
    expect(visibleText(res.html)).toContain('Team management is only for team owners and admins');
    expect(browser.cookies.has('gh_session')).toBe(false);

    const mia = (await server.services.store.users.findByEmail('mia@acme.test'))!;
    const session = await server.services.accounts.issueToken(mia, 'session');
    browser.cookies.set('gh_session', session.secret);
    const me = await browser.get('/me');
    expect(me.status).toBe(200);
    const text = visibleText(me.html);
    expect(text).toContain('Mia Member');
    expect(text).toContain(`@${mia.handle}`);
    expect(text).toContain('Acme');
    const admin = await browser.get('/admin/people');
    expect(admin.status).toBe(403);
    expect(visibleText(admin.html)).toContain('Team management is for team owners and admins');
  });

  test('When someone opens /me without a session, then they are sent to enterprise login', async () => {
    const res = await new PageClient(server.url).get('/me');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/login');
  });

  test('When an admin signs out, then the cookie is cleared and the old session no longer opens any page', async () => {
    const browser = new PageClient(server.url);
    await browser.signIn(acme.email, acme.password);
    const secret = browser.cookies.get('gh_session')!;
    await browser.get('/admin/people');
    const out = await browser.post('/admin/logout', {});
    expect(out.status).toBe(303);
    expect(out.location).toBe('/admin/login');
    expect(out.setCookies.some((c) => c.startsWith('gh_session=;'))).toBe(true);
    expect(visibleText((await browser.get('/admin/login')).html)).toContain('You are signed out.');

    const replay = new PageClient(server.url);
    replay.cookies.set('gh_session', secret);
    const res = await replay.get('/admin/people');
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/admin\/login/);
  });

  test('When the next parameter points elsewhere, then sign-in still lands inside team management', async () => {
    for (const next of ['//evil.test/admin/', 'https://evil.test/', '/admin/\\evil', '/elsewhere']) {
      const browser = new PageClient(server.url);
      await browser.get('/admin/login');
      const res = await browser.post('/admin/login', { email: acme.email, password: acme.password, next });
      expect([res.status, res.location]).toEqual([303, '/admin/people']);
    }
  });
});

describe('Team management sign-in rate limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '3' });
  });
  afterAll(() => server.close());

  /** A team whose owner has not signed in yet: createTeam's API sign-in would use up one attempt of the budget. */
  const freshTeam = async (name: string) => {
    const email = `owner-${name.toLowerCase()}@${name.toLowerCase()}.test`;
    await server.services.accounts.createTeam({ name, ownerEmail: email, password: 'correct horse battery', actor: operatorActor });
    return email;
  };

  test('When someone keeps guessing a password, then the 4th attempt gets a friendly rate-limit message on the form', async () => {
    const email = await freshTeam('Target');
    const browser = new PageClient(server.url);
    const statuses: number[] = [];
    let last = '';
    for (let i = 0; i < 4; i++) {
      const res = await browser.signIn(email, `guess-${i}-wrong`);
      statuses.push(res.status);
      last = visibleText(res.html);
    }
    expect(statuses).toEqual([403, 403, 403, 429]);
    expect(last).toContain('Too many sign-in attempts. For your security, please wait a few minutes and try again.');
    expect(last).toContain('Sign in to team management');
  });

  test('When an attacker alternates the page and the JSON API, then both count into one per-account budget: the 4th attempt is refused', async () => {
    const email = await freshTeam('Alternating');
    const browser = new PageClient(server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      if (i % 2 === 0) statuses.push((await browser.signIn(email, `guess-${i}-wrong`)).status);
      else statuses.push((await call(server.url, 'POST', '/login?persist=false', { json: { email, password: `guess-${i}-wrong` } })).status);
    }
    expect(statuses).toEqual([403, 403, 403, 429]);
  });
});
