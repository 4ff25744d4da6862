import { ScimError } from '../../../src/scim/errors';
import { applyUserPatch } from '../../../src/scim/patch';
import { CORE_USER, ENTERPRISE, fixture, patchBody, scimErrorOf, WIRE } from './helpers';
import { storedUser } from './stored-user';

const patch = (...operations: unknown[]) => applyUserPatch(storedUser(), patchBody(...operations));
const patchError = (...operations: unknown[]) => scimErrorOf(() => patch(...operations));

describe('PATCH /Users (RFC 7644 §3.5.2) as Entra ID and Okta send it', () => {
  describe('recorded Entra ID requests', () => {
    it('When Entra ID replaces the work email and family name, then only those change', () => {
      const user = applyUserPatch(storedUser(), fixture('entra/patch-user-multi-valued.json'));
      expect(user['emails']).toEqual([
        { value: 'updatedemail@microsoft.com', type: 'work', primary: true },
        { value: 'jane@home.example', type: 'home' },
      ]);
      expect(user['name']).toEqual({ givenName: 'Jane', familyName: 'updatedFamilyName' });
    });

    it('When Entra ID replaces userName, then the handle changes', () => {
      expect(applyUserPatch(storedUser(), fixture('entra/patch-user-single-valued.json')).userName).toBe('renamed_user_5b50642d');
    });

    it('When Entra ID disables a user with a boolean, then active is false', () => {
      expect(applyUserPatch(storedUser(), fixture('entra/disable-user.json')).active).toBe(false);
    });

    it('When legacy Entra ID disables a user with "False", then active is the boolean false', () => {
      expect(applyUserPatch(storedUser(), fixture('entra/disable-user-legacy-string-boolean.json')).active).toBe(false);
    });

    it('When Entra ID replaces name.givenName with a dotted key in a path-less value, then the given name changes and the rest of name stays', () => {
      const user = applyUserPatch(storedUser({ active: false }), fixture('entra/patch-user-legacy-pathless-dotted-keys.json'));
      expect(user['name']).toEqual({ givenName: 'Updated', familyName: 'Person' });
      expect(user.displayName).toBe('Updated Display');
      expect(user.active).toBe(true);
      expect(user[ENTERPRISE]).toEqual({ department: 'Sales', employeeNumber: '7890', manager: { value: 'boss-1' } });
    });

    it('When Entra ID adds phone numbers and addresses through value filters that match nothing, then the described values are created', () => {
      const user = applyUserPatch(storedUser(), fixture('entra/add-attributes-with-value-filters.json'));
      expect(user['phoneNumbers']).toEqual([
        { type: 'work', value: '+1 425 555 0100' },
        { type: 'mobile', value: '+1 425 555 0199' },
      ]);
      expect(user['addresses']).toEqual([{ type: 'work', formatted: '1 Microsoft Way, Redmond', locality: 'Redmond' }]);
      expect(user['title']).toBe('Engineer');
      expect(user['roles']).toEqual([{ primary: true, value: 'Admin', type: 'WindowsAzureActiveDirectoryRole' }]);
    });

    it('When Entra ID sets the manager to a bare id, then manager is {"value": id}', () => {
      const user = applyUserPatch(storedUser(), fixture('entra/add-attributes-with-value-filters.json'));
      expect(user[ENTERPRISE]).toEqual({ department: 'Engineering', manager: { value: '2819c223-7f76-453a-919d-413861904646' } });
    });

    it('When Entra ID removes the manager by URN path, then the manager is gone and the department stays', () => {
      const user = applyUserPatch(storedUser(), fixture('entra/remove-manager.json'));
      expect(user[ENTERPRISE]).toEqual({ department: 'Engineering' });
    });
  });

  describe('recorded Okta requests', () => {
    it('When Okta deactivates with a path-less replace {"active": false}, then the user is inactive', () => {
      expect(applyUserPatch(storedUser(), fixture('okta/deactivate-user.json')).active).toBe(false);
    });

    it('When Okta reactivates, then the user is active again', () => {
      expect(applyUserPatch(storedUser({ active: false }), fixture('okta/reactivate-user.json')).active).toBe(true);
    });
  });

  describe('operation names and paths', () => {
    it.each(['add', 'Add', 'ADD', 'replace', 'Replace', 'rEpLaCe'])('When op is %j, then it is understood', (op) => {
      expect(patch({ op, path: 'title', value: 'CTO' })['title']).toBe('CTO');
    });

    it('When a path names an attribute in another case, then the schema spelling is written', () => {
      const user = patch({ op: 'replace', path: 'NickName', value: 'JD' });
      expect(user['nickName']).toBe('JD');
      expect(user).not.toHaveProperty('NickName');
    });

    it('When the path is addresses[type eq "work"].formatted, then only the work address changes', () => {
      expect(patch({ op: 'replace', path: 'addresses[type eq "work"].formatted', value: '2 Side St' })['addresses']).toEqual([
        { type: 'work', formatted: '2 Side St', locality: 'Springfield' },
      ]);
    });

    it('When the path is the enterprise department by URN, then the department changes', () => {
      expect(patch({ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Sales' })[ENTERPRISE]).toEqual({ department: 'Sales', manager: { value: 'boss-1' } });
    });

    it('When the path is the enterprise manager.value by URN, then the manager changes', () => {
      expect(patch({ op: 'replace', path: `${ENTERPRISE}:manager.value`, value: 'boss-2' })[ENTERPRISE]).toMatchObject({ manager: { value: 'boss-2' } });
    });

    it('When the path is a whole extension URN, then its attributes merge in', () => {
      expect(patch({ op: 'add', path: ENTERPRISE, value: { costCenter: '4130' } })[ENTERPRISE]).toEqual({ department: 'Engineering', manager: { value: 'boss-1' }, costCenter: '4130' });
    });

    it('When a whole extension is added with null, then nothing changes; replaced with null, then it is gone', () => {
      expect(patch({ op: 'add', path: ENTERPRISE, value: null })).toEqual(storedUser());
      expect(patch({ op: 'replace', path: ENTERPRISE, value: null })).not.toHaveProperty([ENTERPRISE]);
    });

    it('When a whole extension is removed, then it leaves the schemas list too', () => {
      const user = patch({ op: 'remove', path: ENTERPRISE });
      expect(user).not.toHaveProperty([ENTERPRISE]);
      expect(user.schemas).toEqual([CORE_USER]);
    });

    it('When the last extension attribute is removed, then the extension disappears from schemas', () => {
      const user = patch({ op: 'remove', path: `${ENTERPRISE}:department` }, { op: 'remove', path: `${ENTERPRISE}:manager` });
      expect(user.schemas).toEqual([CORE_USER]);
    });

    it('When an extension attribute is added to a user without it, then schemas lists the extension', () => {
      const user = patch({ op: 'add', path: `${WIRE}:richInfo`, value: [{ type: 'Floor', value: '3' }] });
      expect(user.schemas).toEqual([CORE_USER, ENTERPRISE, WIRE]);
      expect(user[WIRE]).toEqual({ richInfo: [{ type: 'Floor', value: '3' }] });
    });
  });

  describe('add', () => {
    it('When an email is added, then it is appended', () => {
      expect(patch({ op: 'add', path: 'emails', value: [{ value: 'jd@other.example', type: 'other' }] })['emails']).toHaveLength(3);
    });

    it('When an identical email is added again, then it is not duplicated', () => {
      expect(patch({ op: 'add', path: 'emails', value: [{ type: 'home', value: 'jane@home.example' }] })['emails']).toHaveLength(2);
    });

    it('When an email is added as primary, then the previous primary is no longer primary', () => {
      const emails = patch({ op: 'add', path: 'emails', value: { value: 'new@acme.example', type: 'work', primary: true } })['emails'];
      expect(emails).toEqual([
        { value: 'jane@acme.example', type: 'work', primary: false },
        { value: 'jane@home.example', type: 'home' },
        { value: 'new@acme.example', type: 'work', primary: true },
      ]);
    });

    it('When name is added with some sub-attributes, then the others stay', () => {
      expect(patch({ op: 'add', path: 'name', value: { middleName: 'Q' } })['name']).toEqual({ givenName: 'Jane', familyName: 'Doe', middleName: 'Q' });
    });

    it('When add has a null value, then nothing changes', () => {
      expect(patch({ op: 'add', path: 'title', value: null })).toEqual(storedUser());
    });

    it('When add uses a filter that is not a plain "eq" and matches nothing, then it is 400 noTarget', () => {
      const error = patchError({ op: 'add', path: 'emails[value co "nobody"].display', value: 'x' });
      expect(error).toMatchObject({ status: 400, scimType: 'noTarget' });
      expect(error.detail).toMatch(/no value of emails matches \[value co "nobody"\]/);
    });
  });

  describe('replace', () => {
    it('When emails are replaced without a filter, then the whole list is replaced', () => {
      expect(patch({ op: 'replace', path: 'emails', value: [{ value: 'only@acme.example' }] })['emails']).toEqual([{ value: 'only@acme.example' }]);
    });

    it('When name is replaced with some sub-attributes, then unspecified ones are left unchanged (RFC 7644 §3.5.2.3)', () => {
      expect(patch({ op: 'replace', path: 'name', value: { givenName: 'Janet' } })['name']).toEqual({ givenName: 'Janet', familyName: 'Doe' });
    });

    it('When a filtered value is replaced without a sub-attribute, then its given sub-attributes merge in', () => {
      expect(patch({ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'jd@home.example' } })['emails']).toEqual([
        { value: 'jane@acme.example', type: 'work', primary: true },
        { value: 'jd@home.example', type: 'home' },
      ]);
    });

    it('When replace targets a filtered value that does not exist, then the value is created (documented deviation for Entra ID)', () => {
      expect(patch({ op: 'replace', path: 'phoneNumbers[type eq "work"].value', value: '+1 555' })['phoneNumbers']).toEqual([{ type: 'work', value: '+1 555' }]);
    });

    it('When a value is replaced with null, then it is unassigned', () => {
      expect(patch({ op: 'replace', path: 'name.familyName', value: null })['name']).toEqual({ givenName: 'Jane' });
    });

    it('When active is replaced with a string boolean in any case, then it is a boolean', () => {
      expect(patch({ op: 'replace', path: 'active', value: 'fAlSe' }).active).toBe(false);
      expect(patch({ op: 'replace', value: { ACTIVE: 'TRUE' } }).active).toBe(true);
    });

    it('When a path-less replace carries a filtered key, then it is applied like a path', () => {
      expect(patch({ op: 'replace', value: { 'emails[type eq "work"].value': 'w@acme.example' } })['emails']).toMatchObject([{ value: 'w@acme.example', type: 'work' }, {}]);
    });

    it('When a path-less replace carries the resource id unchanged, then it is ignored', () => {
      expect(patch({ op: 'replace', value: { id: 'user-1', title: 'CTO' } })['title']).toBe('CTO');
    });
  });

  describe('remove', () => {
    it('When a remove filter matches nothing, then nothing changes and it is not an error', () => {
      expect(patch({ op: 'remove', path: 'emails[type eq "other"]' })).toEqual(storedUser());
    });

    it('When a remove filter matches, then only the matching values go', () => {
      expect(patch({ op: 'remove', path: 'emails[type eq "home"]' })['emails']).toEqual([{ value: 'jane@acme.example', type: 'work', primary: true }]);
    });

    it('When the last matching value goes, then the attribute is unassigned', () => {
      expect(patch({ op: 'remove', path: 'addresses[type eq "work"]' })).not.toHaveProperty('addresses');
    });

    it('When remove names values in a list, then only those values go', () => {
      expect(patch({ op: 'remove', path: 'emails', value: [{ value: 'JANE@HOME.EXAMPLE' }] })['emails']).toEqual([{ value: 'jane@acme.example', type: 'work', primary: true }]);
    });

    it('When a sub-attribute of filtered values is removed, then the values stay without it', () => {
      expect(patch({ op: 'remove', path: 'emails[type eq "work"].primary' })['emails']).toEqual([
        { value: 'jane@acme.example', type: 'work' },
        { value: 'jane@home.example', type: 'home' },
      ]);
    });

    it('When name.givenName is removed, then the rest of name stays', () => {
      expect(patch({ op: 'remove', path: 'name.givenName' })['name']).toEqual({ familyName: 'Doe' });
    });

    it.each(['userName', 'displayName', 'externalId', 'USERNAME'])('When %s (required) is removed, then it is 400 mutability naming it', (path) => {
      const error = patchError({ op: 'remove', path });
      expect(error).toMatchObject({ status: 400, scimType: 'mutability' });
      expect(error.detail).toMatch(new RegExp(`${path} is required and cannot be removed`));
    });

    it('When a required attribute is replaced with null, then it is 400 mutability', () => {
      expect(patchError({ op: 'replace', path: 'displayName', value: null })).toMatchObject({ scimType: 'mutability' });
    });

    it('When remove has no path, then it is 400 noTarget', () => {
      expect(patchError({ op: 'remove' })).toMatchObject({ status: 400, scimType: 'noTarget' });
    });
  });

  describe('read-only and unknown attributes', () => {
    it.each([
      ['id', 'x'],
      ['meta', { created: 'x' }],
      ['meta.lastModified', '2020-01-01T00:00:00Z'],
      ['groups', [{ value: 'g' }]],
      ['schemas', [CORE_USER]],
      [`${ENTERPRISE}:manager.displayName`, 'Boss'],
    ])('When %s is changed, then it is 400 mutability', (path, value) => {
      const error = patchError({ op: 'replace', path, value });
      expect(error).toMatchObject({ status: 400, scimType: 'mutability' });
      expect(error.detail).toMatch(/read-only/);
    });

    it('When a path-less replace tries to change the id, then it is 400 mutability', () => {
      expect(patchError({ op: 'replace', value: { id: 'other' } })).toMatchObject({ scimType: 'mutability' });
    });

    it.each(['shoeSize', 'name.nickname', 'emails[type eq "work"].label', `${ENTERPRISE}:floor`])(
      'When the path names an unknown attribute (%s), then it is 400 invalidPath naming it (an extension the IdP added is kept instead: custom-extensions)',
      (path) => {
        const error = patchError({ op: 'replace', path, value: 'x' });
        expect(error).toMatchObject({ status: 400, scimType: 'invalidPath' });
        expect(error.detail).toMatch(/unknown/);
      },
    );

    it('When a path-less value has an unknown key, then it is 400 invalidPath naming the key', () => {
      expect(patchError({ op: 'add', value: { shoeSize: 44 } }).detail).toMatch(/unknown attribute "shoeSize"/);
    });

    it('When a path has a syntax error, then the detail points at the position', () => {
      expect(patchError({ op: 'replace', path: 'emails[type eq "work".value', value: 'x' })).toMatchObject({
        scimType: 'invalidPath',
        detail: expect.stringMatching(/at character 22: expected "\]" to close the value filter opened at character 7, found ".value"/),
      });
    });
  });

  describe('values are checked against the schema and the product rules', () => {
    it('When a boolean attribute gets "maybe", then it is 400 invalidValue naming the attribute', () => {
      expect(patchError({ op: 'replace', path: 'active', value: 'maybe' })).toMatchObject({ scimType: 'invalidValue', detail: expect.stringMatching(/active must be a boolean/) });
    });

    it('When userName is replaced with capitals, then it is 400 invalidValue naming the rule', () => {
      expect(patchError({ op: 'replace', path: 'userName', value: 'Jane' }).detail).toMatch(/must not contain capital letters/);
    });

    it('When displayName is replaced with 129 characters, then it is 400 invalidValue', () => {
      expect(patchError({ op: 'replace', path: 'displayName', value: 'x'.repeat(129) })).toMatchObject({ scimType: 'invalidValue' });
    });

    it('When rich info grows past the limit, then it is 400 invalidValue', () => {
      const big = [{ type: 'Bio', value: 'x'.repeat(5000) }];
      expect(patchError({ op: 'add', path: `${WIRE}:richInfo`, value: big }).detail).toMatch(/the limit is 5000/);
    });

    it('When a complex attribute gets a string, then it is 400 invalidValue', () => {
      expect(patchError({ op: 'replace', path: 'name', value: 'Jane Doe' })).toMatchObject({ scimType: 'invalidValue' });
    });
  });

  describe('request shape', () => {
    it('When an op is not add/remove/replace, then it is 400 invalidSyntax naming the op', () => {
      expect(patchError({ op: 'update', path: 'title', value: 'x' })).toMatchObject({ scimType: 'invalidSyntax', detail: expect.stringMatching(/Operations\[0\]\.op must be "add", "remove" or "replace", got "update"/) });
    });

    it('When add has no value, then it is 400 invalidSyntax', () => {
      expect(patchError({ op: 'add', path: 'title' })).toMatchObject({ scimType: 'invalidSyntax' });
    });

    it('When a path-less add has a non-object value, then it is 400 invalidValue', () => {
      expect(patchError({ op: 'add', value: 'x' })).toMatchObject({ scimType: 'invalidValue' });
    });

    it.each([
      [{}, /Operations/],
      [{ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], Operations: [{ op: 'add', path: 'title', value: 'x' }] }, /schemas must be/],
      [{ Operations: [] }, /non-empty list/],
      [{ Operations: 'add' }, /non-empty list/],
      [null, /JSON object/],
    ])('When the body is %j, then it is 400 invalidSyntax', (body, detail) => {
      const error = scimErrorOf(() => applyUserPatch(storedUser(), body));
      expect(error).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
      expect(error.detail).toMatch(detail);
    });

    it('When "operations" and "OP" come in other cases and schemas is missing, then the request still works', () => {
      expect(applyUserPatch(storedUser(), { operations: [{ OP: 'Replace', PATH: 'title', VALUE: 'CTO' }] })['title']).toBe('CTO');
    });
  });

  describe('atomicity', () => {
    it('When a later operation fails, then the error names it and the input resource is untouched', () => {
      const user = storedUser();
      const before = structuredClone(user);
      const error = scimErrorOf(() =>
        applyUserPatch(user, patchBody({ op: 'replace', path: 'title', value: 'CTO' }, { op: 'remove', path: 'emails' }, { op: 'remove', path: 'userName' })),
      );
      expect(error).toBeInstanceOf(ScimError);
      expect(error.detail).toMatch(/^Operation 3 \(remove userName\): userName is required/);
      expect(user).toEqual(before);
    });

    it('When all operations succeed, then the input resource is still untouched and a new one is returned', () => {
      const user = storedUser();
      const before = structuredClone(user);
      const after = applyUserPatch(user, patchBody({ op: 'replace', path: 'title', value: 'CTO' }));
      expect(user).toEqual(before);
      expect(after).not.toBe(user);
    });

    it('When operations touch the same attribute, then they apply in order', () => {
      expect(patch({ op: 'remove', path: 'emails' }, { op: 'add', path: 'emails', value: [{ value: 'a@x' }] })['emails']).toEqual([{ value: 'a@x' }]);
    });
  });

  it('When a patch succeeds, then id, groups and meta are carried over unchanged', () => {
    const user = patch({ op: 'replace', path: 'title', value: 'CTO' });
    expect(user['id']).toBe('user-1');
    expect(user['groups']).toEqual([{ value: 'group-1', display: 'Everyone' }]);
    expect(user['meta']).toEqual(storedUser()['meta']);
  });
});
