import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';
import { ENTERPRISE, expectScimError, fixture, scimClient, type ScimClient } from './users-client';

const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

describe('SCIM /Users lists: filters, paging, sorting, projection', () => {
  let server: TestServer;
  let acme: ScimClient;
  let ids: Record<string, string>;
  let beforeBob: string;

  const list = (query: string) => acme.request('GET', `/Users${query}`);
  const filter = async (text: string) => {
    const reply = await list(`?filter=${encodeURIComponent(text)}`);
    expect(reply.status).toBe(200);
    return (reply.body.Resources as Array<{ userName: string }>).map((u) => u.userName).sort();
  };

  beforeAll(async () => {
    server = await startTestServer();
    acme = await scimClient(server, 'Acme');
    const people = [
      { userName: 'alice', externalId: 'alice@acme.test', displayName: 'Alice Archer', title: 'Engineer', emails: [{ type: 'work', value: 'alice@acme.test', primary: true }, { type: 'home', value: 'alice@home.test' }], [ENTERPRISE]: { department: 'R&D' } },
      { userName: 'carol', externalId: 'carol@acme.test', displayName: 'carol cooper', emails: [{ type: 'home', value: 'carol@acme.test' }], [ENTERPRISE]: { department: 'Sales' } },
      { userName: 'dave', externalId: 'DAVE-01', displayName: 'Dave Dunn', title: 'Manager', active: false },
    ];
    ids = {};
    for (const p of people) ids[p.userName] = (await acme.request('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], ...p })).body.id;
    await new Promise((resolve) => setTimeout(resolve, 5));
    beforeBob = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    ids.bob = (await acme.request('POST', '/Users', { userName: 'bob', externalId: 'bob@acme.test', displayName: 'Bob Baker', emails: [{ type: 'work', value: 'bob@corp.test' }] })).body.id;
    // A user of another team that must never show up.
    const globex = await scimClient(server, 'Globex');
    await globex.createUser({ userName: 'alice.globex', displayName: 'Alice Archer' });
  });
  afterAll(() => server.close());

  test("When a client lists users, then it gets a ListResponse of the directory's users in creation order, without the team's password owner", async () => {
    const reply = await list('');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ schemas: [LIST], totalResults: 4, startIndex: 1, itemsPerPage: 4 });
    expect(reply.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['alice', 'carol', 'dave', 'bob']);
    const slash = await list('/');
    expect(slash.body).toEqual(reply.body);
  });

  test('When Entra ID and Okta send their recorded filters, then each finds the matching user', async () => {
    const entra: string[] = fixture('entra/filters.json').users;
    expect(entra).toHaveLength(3);
    expect(await filter('userName eq "alice"')).toEqual(['alice']);
    expect(await filter('externalId eq "DAVE-01"')).toEqual(['dave']);
    expect(await filter('externalId eq "dave-01"')).toEqual([]); // externalId is caseExact
    expect(await filter(entra[2]!.replace('test_user@testuser.com', 'alice@acme.test'))).toEqual(['alice']);
    const okta: string[] = fixture('okta/filters.json').users;
    expect(await filter(okta[1]!.replace('test.user', 'alice'))).toEqual(['alice']);
    expect(await filter(okta[1]!.replace('test.user', 'dave'))).toEqual([]);
  });

  test('When a filter uses co, sw, pr, and/or/not, then the results follow RFC 7644 §3.4.2.2', async () => {
    expect(await filter('displayName co "er" and externalId pr')).toEqual(['alice', 'bob', 'carol']);
    expect(await filter('userName sw "ca"')).toEqual(['carol']);
    expect(await filter('title pr')).toEqual(['alice', 'dave']);
    expect(await filter('title pr and active eq true')).toEqual(['alice']);
    expect(await filter('userName eq "bob" or userName eq "carol"')).toEqual(['bob', 'carol']);
    expect(await filter('not (title pr) and externalId pr')).toEqual(['bob', 'carol']);
    expect(await filter(`${ENTERPRISE}:department eq "sales"`)).toEqual(['carol']);
  });

  test('When a filter selects emails by type, then only that type of email matches', async () => {
    expect(await filter('emails[type eq "work"]')).toEqual(['alice', 'bob']);
    expect(await filter('emails[type eq "work" and value co "@acme"]')).toEqual(['alice']);
    expect(await filter('emails[type eq "work"].value eq "carol@acme.test"')).toEqual([]);
    expect(await filter('emails co "home.test"')).toEqual(['alice']);
  });

  test('When a filter compares meta.lastModified, then only users changed after that time match', async () => {
    expect(await filter(`meta.lastModified gt "${beforeBob}"`)).toEqual(['bob']);
    expect(await filter(`meta.created lt "${beforeBob}" and externalId pr`)).toEqual(['alice', 'carol', 'dave']);
  });

  test('When attribute names and operators arrive in any case, then the filter means the same', async () => {
    expect(await filter('USERNAME EQ "ALICE"')).toEqual(['alice']);
    expect(await filter('urn:ietf:params:scim:schemas:core:2.0:User:userName Eq "carol"')).toEqual(['carol']);
    expect(await filter('Emails[Type eq "work"]')).toEqual(['alice', 'bob']);
  });

  test('When a filter is malformed or names an unknown attribute, then 400 invalidFilter with a pointer to the problem', async () => {
    const broken = await list(`?filter=${encodeURIComponent('userName eq')}`);
    expectScimError(broken, 400, 'invalidFilter');
    const unknown = await list(`?filter=${encodeURIComponent('favouriteColour eq "blue"')}`);
    expectScimError(unknown, 400, 'invalidFilter');
    expect(unknown.body.detail).toContain('favouriteColour');
    const unmappable = await list(`?filter=${encodeURIComponent('meta.location pr')}`);
    expectScimError(unmappable, 400, 'invalidFilter');
  });

  // The owner has no externalId: `externalId pr` keeps to the four provisioned users.
  const provisioned = `filter=${encodeURIComponent('externalId pr')}`;

  test('When a client pages with startIndex and count, then the window is 1-based and out-of-range values are clamped', async () => {
    const page2 = await list(`?${provisioned}&startIndex=2&count=2`);
    expect(page2.body).toMatchObject({ totalResults: 4, startIndex: 2, itemsPerPage: 2 });
    expect(page2.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['carol', 'dave']);
    const zero = await list(`?${provisioned}&startIndex=0&count=1`);
    expect(zero.body).toMatchObject({ startIndex: 1, itemsPerPage: 1 });
    const negative = await list(`?${provisioned}&count=-5`);
    expect(negative.body).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] });
    const past = await list(`?${provisioned}&startIndex=10`);
    expect(past.body).toMatchObject({ totalResults: 4, startIndex: 10, itemsPerPage: 0, Resources: [] });
    expectScimError(await list('?count=ten'), 400, 'invalidValue');
    // The single-user lookups IdPs send page the same way.
    const lookup = `filter=${encodeURIComponent('userName eq "alice"')}`;
    expect((await list(`?${lookup}&startIndex=2`)).body).toMatchObject({ totalResults: 1, startIndex: 2, itemsPerPage: 0, Resources: [] });
    expect((await list(`?${lookup}&count=0`)).body).toMatchObject({ totalResults: 1, itemsPerPage: 0, Resources: [] });
  });

  test('When a client sorts by an attribute, then the order follows it in either direction', async () => {
    const asc = await list(`?${provisioned}&sortBy=displayName`);
    expect(asc.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['alice', 'bob', 'carol', 'dave']);
    const desc = await list(`?${provisioned}&sortBy=userName&sortOrder=descending`);
    expect(desc.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['dave', 'carol', 'bob', 'alice']);
    expectScimError(await list('?sortBy=favouriteColour'), 400, 'invalidValue');
    expectScimError(await list('?sortBy=userName&sortOrder=sideways'), 400, 'invalidValue');
  });

  test('When a client asks for attributes or excludedAttributes, then only those come back (id and schemas always)', async () => {
    const picked = await list('?filter=userName%20eq%20%22alice%22&attributes=userName,emails.value');
    expect(picked.body.Resources[0]).toEqual({ schemas: expect.any(Array), id: ids.alice, userName: 'alice', emails: [{ value: 'alice@acme.test' }, { value: 'alice@home.test' }] });
    const excluded = await list('?filter=userName%20eq%20%22alice%22&excludedAttributes=emails,meta,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
    expect(excluded.body.Resources[0].emails).toBeUndefined();
    expect(excluded.body.Resources[0].meta).toBeUndefined();
    expect(excluded.body.Resources[0][ENTERPRISE]).toBeUndefined();
    expect(excluded.body.Resources[0].displayName).toBe('Alice Archer');
    const one = await acme.request('GET', `/Users/${ids.alice}?attributes=displayName`);
    expect(one.body).toEqual({ schemas: expect.any(Array), id: ids.alice, displayName: 'Alice Archer' });
  });

  test('When a client searches with POST /Users/.search, then the SearchRequest body works like the query string', async () => {
    const reply = await acme.request('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'title pr',
      attributes: ['userName'],
      sortBy: 'userName',
      sortOrder: 'descending',
      startIndex: 1,
      count: 10,
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ schemas: [LIST], totalResults: 2, Resources: [{ id: ids.dave, userName: 'dave' }, { id: ids.alice, userName: 'alice' }] });
    expect(reply.body.Resources[0].displayName).toBeUndefined();
    expectScimError(await acme.request('POST', '/Users/.search', { schemas: ['urn:wrong'] }), 400, 'invalidValue');
  });
});

describe('SCIM discovery', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('When a client probes discovery without a token, then ServiceProviderConfig describes what is implemented', async () => {
    const reply = await call(server.url, 'GET', '/scim/v2/ServiceProviderConfig');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('application/scim+json');
    expect(reply.body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 1000 },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
      meta: { location: `${server.url}/scim/v2/ServiceProviderConfig` },
    });
  });

  test('When a client reads ResourceTypes and Schemas without a token, then User, Group and their schemas are listed', async () => {
    const types = await call(server.url, 'GET', '/scim/v2/ResourceTypes');
    expect(types.body.Resources.map((t: { name: string }) => t.name)).toEqual(['User', 'Group']);
    const user = await call(server.url, 'GET', '/scim/ResourceTypes/User');
    expect(user.body).toMatchObject({ name: 'User', endpoint: '/Users', schema: 'urn:ietf:params:scim:schemas:core:2.0:User' });
    expect((await call(server.url, 'GET', '/scim/v2/ResourceTypes/Group')).body.name).toBe('Group');
    expectScimError(await call(server.url, 'GET', '/scim/v2/ResourceTypes/Widget'), 404);
    const schemas = await call(server.url, 'GET', '/scim/v2/Schemas');
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining(['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE, 'urn:wire:scim:schemas:profile:1.0']));
    const enterprise = await call(server.url, 'GET', `/scim/v2/Schemas/${ENTERPRISE}`);
    expect(enterprise.body.attributes.map((a: { name: string }) => a.name)).toContain('manager');
    expectScimError(await call(server.url, 'GET', '/scim/v2/Schemas/urn:example:nope'), 404);
  });
});
