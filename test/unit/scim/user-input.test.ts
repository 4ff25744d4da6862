import { buildUserResource, DEFAULT_RICH_INFO_LIMIT, parseUserInput, splitUserResource } from '../../../src/scim/user-input';
import { USER_RESOURCE_TYPE } from '../../../src/scim/resource-types';
import { orderResource } from '../../../src/scim/values';
import { CORE_USER, ENTERPRISE, fixture, scimErrorOf, WIRE } from './helpers';

const minimal = { schemas: [CORE_USER], userName: 'nick', displayName: 'The Nick', externalId: 'nick@acme.example' };
const invalidValue = (body: unknown, detail: RegExp, options = {}) => {
  const error = scimErrorOf(() => parseUserInput(body, options));
  expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
  expect(error.detail).toMatch(detail);
};

describe('User input (POST/PUT bodies)', () => {
  describe('userName is the handle', () => {
    it.each(['nick', 'a1', 'jane.doe', 'jane_doe-2', 'x'.repeat(256)])('When userName is %j, then it is accepted', (userName) => {
      expect(parseUserInput({ ...minimal, userName }).userName).toBe(userName);
    });

    it('When userName is missing, then the detail says it is required', () => invalidValue({ ...minimal, userName: undefined }, /userName is required/));
    it('When userName is one character, then the detail names the 2–256 rule', () => invalidValue({ ...minimal, userName: 'n' }, /userName must be 2 to 256 characters long; "n" has 1/));
    it('When userName is 257 characters, then the detail names the 2–256 rule', () => invalidValue({ ...minimal, userName: 'n'.repeat(257) }, /2 to 256 characters long; .* has 257/));
    it('When userName has capitals, then the detail names the no-capitals rule and suggests the lower-case form', () =>
      invalidValue({ ...minimal, userName: 'Nick' }, /userName must not contain capital letters; use "nick" instead of "Nick"/));
    it('When userName is an email address (Okta\'s default), then the detail names the character "@"', () =>
      invalidValue({ ...minimal, userName: 'nick@acme.example' }, /may only contain a-z, 0-9, "_", "." and "-"; "nick@acme.example" contains "@"/));
    it('When userName has a non-ASCII letter, then the character rule names it', () => invalidValue({ ...minimal, userName: 'zoë' }, /contains "ë"/));
    it('When userName is a boolean, then the detail says it must be a string', () => invalidValue({ ...minimal, userName: true }, /userName must be a string, got true/));
    it('When userName is a JSON number, then its digits are the handle', () => expect(parseUserInput({ ...minimal, userName: 42 }).userName).toBe('42'));
  });

  describe('displayName counts Unicode code points', () => {
    it('When displayName is 128 emoji, then it is accepted (128 code points, 256 UTF-16 units)', () => {
      const displayName = '😀'.repeat(128);
      expect(displayName.length).toBe(256);
      expect(parseUserInput({ ...minimal, displayName }).displayName).toBe(displayName);
    });

    it('When displayName is 129 emoji, then it is refused naming the 1–128 rule', () => invalidValue({ ...minimal, displayName: '😀'.repeat(129) }, /displayName must be 1 to 128 characters long; it has 129/));

    it('When displayName uses combining marks, then each mark counts as a code point', () => {
      const decomposed = 'e\u0301'; // é as e + combining acute: 2 code points
      expect(parseUserInput({ ...minimal, displayName: decomposed.repeat(64) }).displayName).toHaveLength(128);
      invalidValue({ ...minimal, displayName: `${decomposed.repeat(64)}x` }, /it has 129/);
    });

    it('When displayName is empty, then it is refused', () => invalidValue({ ...minimal, displayName: '' }, /displayName must be 1 to 128 characters long; it has 0/));
    it('When displayName is missing, then it is required', () => invalidValue({ ...minimal, displayName: undefined }, /displayName is required/));
  });

  describe('externalId', () => {
    it('When externalId is missing, then it is required', () => invalidValue({ ...minimal, externalId: undefined }, /externalId is required/));
    it('When externalId is empty, then it is refused', () => invalidValue({ ...minimal, externalId: '' }, /externalId must not be empty/));
    it('When externalId is null, then it is required', () => invalidValue({ ...minimal, externalId: null }, /externalId is required/));
  });

  describe('active', () => {
    it.each([
      [true, true],
      [false, false],
      ['True', true],
      ['FALSE', false],
      [' false ', false],
    ])('When active is %j, then it is %s', (active, expected) => {
      expect(parseUserInput({ ...minimal, active }).active).toBe(expected);
    });

    it('When active is absent, then the user is active', () => expect(parseUserInput(minimal).active).toBe(true));
    it('When active is "yes", then it is refused naming the attribute', () => invalidValue({ ...minimal, active: 'yes' }, /active must be a boolean \(true or false\), got "yes"/));
  });

  describe('attribute names and unknown attributes', () => {
    it('When attribute names come in any case, then they are stored in schema spelling', () => {
      const user = parseUserInput({ SCHEMAS: [CORE_USER], USERNAME: 'nick', DisplayName: 'Nick', externalid: 'n@x', NAME: { GivenName: 'N' }, Emails: [{ VALUE: 'n@x', Type: 'work' }] });
      expect(user).toMatchObject({ userName: 'nick', displayName: 'Nick', externalId: 'n@x', name: { givenName: 'N' }, emails: [{ value: 'n@x', type: 'work' }] });
    });

    it('When unknown attributes are sent, then they are dropped and named in the notes; an extension the IdP added is kept', () => {
      const notes: string[] = [];
      const user = parseUserInput({ ...minimal, shoeSize: 44, name: { givenName: 'N', petName: 'x' }, 'urn:example:custom:1.0:User': { a: 1 } }, { note: (t) => notes.push(t) });
      expect(user).not.toHaveProperty('shoeSize');
      expect(user['name']).toEqual({ givenName: 'N' });
      expect(user['urn:example:custom:1.0:User']).toEqual({ a: 1 });
      expect(user.schemas).toEqual([CORE_USER, 'urn:example:custom:1.0:User']);
      expect(notes).toEqual(['ignored attributes no schema defines: shoeSize; stored custom extensions: urn:example:custom:1.0:User']);
    });

    it('When read-only attributes (id, meta, groups) are sent, then they are dropped', () => {
      const user = parseUserInput({ ...minimal, id: 'client-chosen', meta: { resourceType: 'User' }, groups: [{ value: 'g1' }] });
      expect(Object.keys(user)).not.toEqual(expect.arrayContaining(['id']));
      expect(user).not.toHaveProperty('meta');
      expect(user).not.toHaveProperty('groups');
    });

    it('When a value has the wrong type, then the detail names the attribute path', () => {
      invalidValue({ ...minimal, emails: [{ value: 'n@x', primary: 'sometimes' }] }, /emails\[0\]\.primary must be a boolean/);
      invalidValue({ ...minimal, name: 'Nick' }, /name must be an object with sub-attributes \(formatted, familyName/);
    });

    it('When two values claim primary, then it is refused', () => invalidValue({ ...minimal, emails: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: 'True' }] }, /emails: at most one value may have "primary": true/));

    it('When identical values repeat, then one is kept', () => {
      expect(parseUserInput({ ...minimal, emails: [{ value: 'a@x' }, { value: 'a@x' }] })['emails']).toEqual([{ value: 'a@x' }]);
    });
  });

  describe('schemas', () => {
    it('When schemas names something that is not a URN, then it is refused naming it', () =>
      invalidValue({ ...minimal, schemas: [CORE_USER, 'custom-user'] }, /schemas names "custom-user", which this server does not implement for Users/));

    it('When schemas lists an extension the IdP added with its attributes, then they are kept under its URN, also in attribute form', () => {
      const urn = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
      const user = parseUserInput({ ...minimal, schemas: [CORE_USER, urn], [urn]: { employeeLevel: '5' }, [`${urn}:costCenter`]: 'CC-1' });
      expect(user[urn]).toEqual({ employeeLevel: '5', costCenter: 'CC-1' });
    });

    it('When custom extension data is too large, then it is a 400 naming the limit', () =>
      invalidValue({ ...minimal, 'urn:example:big:1.0:User': { blob: 'x'.repeat(20_000) } }, /the limit is 16384/));

    it('When schemas is not a list, then it is refused', () => invalidValue({ ...minimal, schemas: CORE_USER }, /schemas must be a list/));

    it('When schemas is missing, then the body is still accepted and schemas are derived', () => {
      const { schemas: _ignored, ...rest } = minimal;
      expect(parseUserInput(rest).schemas).toEqual([CORE_USER]);
    });

    it('When an extension is listed without values, then it is not echoed in schemas', () => {
      expect(parseUserInput({ ...minimal, schemas: [CORE_USER, ENTERPRISE] }).schemas).toEqual([CORE_USER]);
    });

    it('When schema URNs come in another case, then they are recognised', () => {
      const user = parseUserInput({ ...minimal, schemas: [CORE_USER.toUpperCase(), ENTERPRISE.toLowerCase()], [ENTERPRISE.toLowerCase()]: { Department: 'Sales' } });
      expect(user[ENTERPRISE]).toEqual({ department: 'Sales' });
      expect(user.schemas).toEqual([CORE_USER, ENTERPRISE]);
    });
  });

  describe('extensions', () => {
    it('When the enterprise extension is sent, then it is kept under its URN with canonical names', () => {
      const user = parseUserInput({ ...minimal, [ENTERPRISE]: { EmployeeNumber: 701984, costCenter: '4130', manager: { value: 'boss-1', displayName: 'ignored (read-only)' } } });
      expect(user[ENTERPRISE]).toEqual({ employeeNumber: '701984', costCenter: '4130', manager: { value: 'boss-1' } });
    });

    it('When a Wire rich-info profile is sent (seed 003), then it round-trips', () => {
      const richInfo = [
        { type: 'Department', value: 'Sales & Marketing' },
        { type: 'Favorite color', value: 'Blue' },
      ];
      const user = parseUserInput({ ...minimal, schemas: [CORE_USER, WIRE], [WIRE]: { richInfo } });
      expect(user[WIRE]).toEqual({ richInfo });
      expect(user.schemas).toEqual([CORE_USER, WIRE]);
    });

    it('When rich info is exactly at the limit, then it is accepted', () => {
      const richInfo = [{ type: 't'.repeat(1000), value: 'v'.repeat(DEFAULT_RICH_INFO_LIMIT - 1000) }];
      expect(() => parseUserInput({ ...minimal, [WIRE]: { richInfo } })).not.toThrow();
    });

    it('When rich info exceeds 5000 characters of types plus values, then it is a 400 naming the size and the limit', () =>
      invalidValue({ ...minimal, [WIRE]: { richInfo: [{ type: 'Bio', value: 'x'.repeat(4998) }] } }, /richInfo is 5001 characters \(types plus values\); the limit is 5000/));

    it('When the operator configured a smaller limit, then that limit applies', () =>
      invalidValue({ ...minimal, [WIRE]: { richInfo: [{ type: 'Bio', value: 'x'.repeat(10) }] } }, /the limit is 10/, { richInfoLimit: 10 }));

    it('When a rich-info entry lacks its value, then it is refused naming the entry', () =>
      invalidValue({ ...minimal, [WIRE]: { richInfo: [{ type: 'Bio', value: 'x' }, { type: 'Pet' }] } }, /richInfo\[1\] needs both "type" and "value"/));
  });

  describe('recorded client bodies', () => {
    it('When Entra ID creates a user, then the body normalises without loss of known attributes', () => {
      const user = parseUserInput(fixture('entra/create-user.json'));
      expect(user).toMatchObject({
        userName: 'test_user_ab6490ee',
        externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
        active: true,
        emails: [{ primary: true, type: 'work', value: 'test_user_fd0ea19b@testuser.com' }],
        name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
        [ENTERPRISE]: { department: 'Engineering', employeeNumber: '1234' },
      });
      expect(user).not.toHaveProperty('meta');
      expect(user).not.toHaveProperty('roles');
    });

    it('When Okta creates a user with a password and empty groups, then both are dropped', () => {
      const user = parseUserInput(fixture('okta/create-user.json'));
      expect(user).toMatchObject({ userName: 'test.user', displayName: 'Test User', locale: 'en-US', externalId: '00ujl29u0le5T6Aj10h7' });
      expect(user).not.toHaveProperty('password');
      expect(user).not.toHaveProperty('groups');
    });

    it('When Okta PUTs the full user with id and meta, then the read-only parts are ignored', () => {
      const user = parseUserInput(fixture('okta/put-user.json'));
      expect(user).toMatchObject({ displayName: 'Another User', name: { givenName: 'Another', familyName: 'User' } });
      expect(user).not.toHaveProperty('id');
    });
  });

  describe('body shape', () => {
    it.each([null, 'text', 42, [minimal]])('When the body is %j, then it is 400 invalidSyntax', (body) => {
      expect(scimErrorOf(() => parseUserInput(body))).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
    });
  });

  describe('split and build (store mapping)', () => {
    it('When a resource is split, then the columns come out and everything else goes to scim', () => {
      const user = parseUserInput({ ...minimal, active: false, title: 'CTO', [ENTERPRISE]: { department: 'R&D' } });
      expect(splitUserResource(user)).toEqual({
        handle: 'nick',
        displayName: 'The Nick',
        externalId: 'nick@acme.example',
        active: false,
        scim: { title: 'CTO', [ENTERPRISE]: { department: 'R&D' } },
      });
    });

    it('When stored parts are built back, then the resource has id, groups, meta with a weak ETag, and derived schemas', () => {
      const user = parseUserInput({ ...minimal, title: 'CTO', [ENTERPRISE]: { department: 'R&D' } });
      const resource = buildUserResource(
        { ...splitUserResource(user), id: 'u-1', groups: [{ value: 'g-1', display: 'Admins', type: 'direct' }] },
        { created: '2024-01-01T00:00:00.000Z', lastModified: '2024-01-02T00:00:00.000Z', location: 'https://gh.example/scim/v2/Users/u-1', version: 7 },
      );
      expect(resource).toEqual({
        schemas: [CORE_USER, ENTERPRISE],
        id: 'u-1',
        externalId: 'nick@acme.example',
        userName: 'nick',
        displayName: 'The Nick',
        title: 'CTO',
        active: true,
        groups: [{ value: 'g-1', display: 'Admins', type: 'direct' }],
        [ENTERPRISE]: { department: 'R&D' },
        meta: {
          resourceType: 'User',
          created: '2024-01-01T00:00:00.000Z',
          lastModified: '2024-01-02T00:00:00.000Z',
          location: 'https://gh.example/scim/v2/Users/u-1',
          version: 'W/"7"',
        },
      });
      expect(Object.keys(resource).slice(0, 3)).toEqual(['schemas', 'id', 'externalId']);
    });

    it('When stored parts are built, then the keys come in the order orderResource gives any User resource, unknown stored keys last', () => {
      const stored = splitUserResource(parseUserInput({ ...minimal, title: 'CTO', nickName: 'N', emails: [{ value: 'n@x' }], name: { givenName: 'N' }, [WIRE]: { richInfo: [{ type: 'a', value: 'b' }] }, [ENTERPRISE]: { department: 'R&D' } }));
      const scim = { legacyKey: 'kept', ...stored.scim };
      const resource = buildUserResource({ ...stored, scim, id: 'u-1' }, { created: 'c', lastModified: 'l', location: 'loc', version: 3 });
      const generic = orderResource({ ...scim, id: 'u-1', userName: 'nick', displayName: 'The Nick', active: true, externalId: 'nick@acme.example', meta: resource.meta, schemas: resource.schemas }, USER_RESOURCE_TYPE);
      expect(Object.keys(resource)).toEqual(Object.keys(generic));
      expect(resource).toEqual(generic);
      expect(Object.keys(resource).at(-1)).toBe('legacyKey');
    });

    it('When a built resource is PUT back unchanged, then parsing and splitting give the same stored parts', () => {
      const stored = splitUserResource(parseUserInput({ ...minimal, emails: [{ value: 'n@x', type: 'work' }], [WIRE]: { richInfo: [{ type: 'a', value: 'b' }] } }));
      const resource = buildUserResource({ ...stored, id: 'u-1' }, { created: 'c', lastModified: 'l', location: 'loc', version: 1 });
      expect(splitUserResource(parseUserInput(resource))).toEqual(stored);
    });
  });
});
