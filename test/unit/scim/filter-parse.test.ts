import { formatFilter, parseFilter, parseSortBy } from '../../../src/scim/filter';
import { ScimFilterError } from '../../../src/scim/errors';
import fc from 'fast-check';
import { FilterParser } from '../../../src/scim/filter-parser';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from '../../../src/scim/resource-types';
import { ENTERPRISE, fixture, scimErrorOf } from './helpers';

const cmp = (attr: string, op: string, value: unknown, caseExact = false, sub?: string) => ({
  kind: 'compare',
  path: sub === undefined ? { attr } : { attr, sub },
  op,
  value,
  caseExact,
});

describe('SCIM filter parsing (RFC 7644 §3.4.2.2)', () => {
  describe('operators', () => {
    it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'])('When a client filters with "%s", then it becomes a comparison', (op) => {
      expect(parseFilter(`title ${op} "x"`)).toEqual(cmp('title', op, 'x'));
    });

    it('When a client asks "title pr", then it becomes a presence test', () => {
      expect(parseFilter('title pr')).toEqual({ kind: 'present', path: { attr: 'title' } });
    });

    it('When operators, keywords and literals come in any case, then they parse the same', () => {
      expect(parseFilter('userName EQ "a" AND Active Eq TRUE Or NOT (title PR)')).toEqual(parseFilter('userName eq "a" and active eq true or not (title pr)'));
    });
  });

  describe('precedence and grouping', () => {
    it('When "and" and "or" are mixed, then "and" binds tighter', () => {
      const node = parseFilter('title pr or userType eq "Intern" and active eq true');
      expect(node).toEqual({
        kind: 'or',
        left: { kind: 'present', path: { attr: 'title' } },
        right: { kind: 'and', left: cmp('userType', 'eq', 'Intern'), right: cmp('active', 'eq', true) },
      });
    });

    it('When "and" chains, then it is left-associative', () => {
      const node = parseFilter('title pr and nickName pr and locale pr');
      expect(node).toMatchObject({ kind: 'and', left: { kind: 'and' }, right: { kind: 'present', path: { attr: 'locale' } } });
    });

    it('When parentheses group an "or", then the group binds first', () => {
      const node = parseFilter('userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")');
      expect(node).toEqual({
        kind: 'and',
        left: cmp('userType', 'eq', 'Employee'),
        right: { kind: 'or', left: cmp('emails', 'co', 'example.com', false, 'value'), right: cmp('emails', 'co', 'example.org', false, 'value') },
      });
    });

    it('When "not" precedes a group, then it negates the whole group', () => {
      expect(parseFilter('not (title pr or nickName pr)')).toEqual({
        kind: 'not',
        expr: { kind: 'or', left: { kind: 'present', path: { attr: 'title' } }, right: { kind: 'present', path: { attr: 'nickName' } } },
      });
    });

    it('When "not" is written without parentheses, then it negates the next expression only', () => {
      expect(parseFilter('not title pr and nickName pr')).toEqual({
        kind: 'and',
        left: { kind: 'not', expr: { kind: 'present', path: { attr: 'title' } } },
        right: { kind: 'present', path: { attr: 'nickName' } },
      });
    });
  });

  describe('attribute paths', () => {
    it('When attribute names come in any case, then they are canonicalised (RFC 7643 §2.1)', () => {
      expect(parseFilter('USERNAME eq "a"')).toEqual(cmp('userName', 'eq', 'a'));
      expect(parseFilter('NAME.GIVENNAME eq "a"')).toEqual(cmp('name', 'eq', 'a', false, 'givenName'));
    });

    it('When a core attribute is URN-qualified, then the URN is dropped', () => {
      expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"')).toEqual(cmp('userName', 'sw', 'J'));
    });

    it('When an enterprise attribute is URN-qualified, then attr is "<URN>:<attribute>"', () => {
      expect(parseFilter(`${ENTERPRISE}:department eq "Sales"`)).toEqual(cmp(`${ENTERPRISE}:department`, 'eq', 'Sales'));
    });

    it('When an extension sub-attribute is written in odd case, then attr and sub are canonical', () => {
      expect(parseFilter('URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:Manager.VALUE eq "boss"')).toEqual(
        cmp(`${ENTERPRISE}:manager`, 'eq', 'boss', true, 'value'),
      );
    });

    it('When a multi-valued complex attribute is compared without a sub-attribute, then its value is compared', () => {
      expect(parseFilter('emails co "@acme"')).toEqual(cmp('emails', 'co', '@acme', false, 'value'));
    });

    it('When a value path is given, then its inner paths are relative to the attribute', () => {
      expect(parseFilter('emails[type eq "work" and value co "@acme"]')).toEqual({
        kind: 'valuePath',
        attr: 'emails',
        filter: { kind: 'and', left: cmp('type', 'eq', 'work'), right: cmp('value', 'co', '@acme') },
      });
    });

    it('When value paths are combined with "or", then each keeps its own filter', () => {
      const node = parseFilter('emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]');
      expect(node).toMatchObject({ kind: 'or', left: { kind: 'valuePath', attr: 'emails' }, right: { kind: 'valuePath', attr: 'ims' } });
    });

    it('When Entra ID filters emails[type eq "work"].value eq "x", then both conditions apply to the same email', () => {
      expect(parseFilter('emails[type eq "work"].value eq "x@acme.example"')).toEqual({
        kind: 'valuePath',
        attr: 'emails',
        filter: { kind: 'and', left: cmp('type', 'eq', 'work'), right: cmp('value', 'eq', 'x@acme.example') },
      });
    });

    it('When meta.lastModified is compared, then the timestamp is normalised to ISO-8601 UTC with milliseconds', () => {
      expect(parseFilter('meta.lastModified gt "2011-05-13T04:42:34Z"')).toEqual(cmp('meta', 'gt', '2011-05-13T04:42:34.000Z', false, 'lastModified'));
      expect(parseFilter('meta.created ge "2011-05-13T06:42:34+02:00"')).toEqual(cmp('meta', 'ge', '2011-05-13T04:42:34.000Z', false, 'created'));
    });

    it('When a Group filter names members[value eq id], then it resolves against the Group schema', () => {
      expect(parseFilter('members[value eq "user-1"]', GROUP_RESOURCE_TYPE)).toEqual({
        kind: 'valuePath',
        attr: 'members',
        filter: cmp('value', 'eq', 'user-1', true),
      });
    });
  });

  describe('caseExact follows the schema', () => {
    it.each([
      ['userName eq "a"', false],
      ['externalId eq "a"', true],
      ['id eq "a"', true],
      ['displayName eq "a"', false],
      ['emails.value eq "a"', false],
      ['x509Certificates.value eq "a"', true],
      [`${ENTERPRISE}:manager.value eq "a"`, true],
      [`${ENTERPRISE}:department eq "a"`, false],
      ['groups.value eq "a"', true],
    ])('When a client filters %s, then caseExact is %s', (filter, caseExact) => {
      expect(parseFilter(filter)).toMatchObject({ kind: 'compare', caseExact });
    });
  });

  describe('values', () => {
    it('When a string uses JSON escapes, then they are decoded', () => {
      expect(parseFilter('displayName eq "a\\"b\\\\c\\/d\\u00e9\\n\\t"')).toMatchObject({ value: 'a"b\\c/dé\n\t' });
    });

    it('When a string holds a surrogate pair escape, then it decodes to the emoji', () => {
      expect(parseFilter('displayName eq "\\ud83d\\ude00"')).toMatchObject({ value: '😀' });
    });

    it('When numbers, true, false and null are given, then they keep their JSON types where the attribute allows', () => {
      expect(parseFilter('active eq false')).toMatchObject({ value: false });
      expect(parseFilter('title eq null')).toMatchObject({ value: null });
      expect(parseFilter('emails[primary eq true]')).toMatchObject({ filter: { value: true } });
    });

    it('When a boolean attribute is compared with "True" in quotes, then it is the boolean true', () => {
      expect(parseFilter('active eq "True"')).toMatchObject({ value: true });
    });

    it('When a string attribute is compared with an unquoted number, then the digits are the string', () => {
      expect(parseFilter('externalId eq 12345')).toEqual(cmp('externalId', 'eq', '12345', true));
      expect(parseFilter(`${ENTERPRISE}:employeeNumber eq 007`)).toMatchObject({ value: '007' });
    });

    it('When a script sends an unquoted value, then it is read up to the next space or parenthesis', () => {
      expect(parseFilter('userName eq jane.doe and (active eq true)')).toEqual({
        kind: 'and',
        left: cmp('userName', 'eq', 'jane.doe'),
        right: cmp('active', 'eq', true),
      });
    });

    it('When a value is single-quoted (as in GitHub\'s SCIM examples), then it is a string', () => {
      expect(parseFilter("emails[type eq 'work'].value eq 'jane@acme.example'")).toEqual(parseFilter('emails[type eq "work"].value eq "jane@acme.example"'));
      expect(parseFilter("displayName eq 'O\\'Brien'")).toMatchObject({ value: "O'Brien" });
    });
  });

  describe('loose spacing real clients send', () => {
    it.each([
      '  userName  eq   "jane"  ',
      'userName\teq\t"jane"',
      'userName eq"jane"',
      '(userName eq "jane")',
      '( userName eq "jane" )',
    ])('When the filter is %j, then it still means userName eq "jane"', (text) => {
      expect(parseFilter(text)).toEqual(cmp('userName', 'eq', 'jane'));
    });

    it('When "and" touches a closing quote or parenthesis, then it is still "and"', () => {
      expect(parseFilter('userName eq "a"and(title pr)')).toEqual({ kind: 'and', left: cmp('userName', 'eq', 'a'), right: { kind: 'present', path: { attr: 'title' } } });
    });
  });

  describe('recorded client filters', () => {
    const entra = fixture<{ users: string[]; groups: string[] }>('entra/filters.json');
    const okta = fixture<{ users: string[]; groups: string[] }>('okta/filters.json');
    it.each([...entra.users, ...okta.users])('When Entra ID or Okta looks users up with %s, then it parses', (text) => {
      expect(() => parseFilter(text)).not.toThrow();
    });
    it.each([...entra.groups, ...okta.groups])('When Entra ID or Okta looks groups up with %s, then it parses', (text) => {
      expect(() => parseFilter(text, GROUP_RESOURCE_TYPE)).not.toThrow();
    });
  });

  describe('errors point at the problem', () => {
    const errorOf = (text: string) => {
      const error = scimErrorOf(() => parseFilter(text));
      expect(error).toBeInstanceOf(ScimFilterError);
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidFilter');
      return error as ScimFilterError;
    };

    it.each([
      ['', 0, /empty/],
      ['   ', 3, /empty/],
      ['userName xx "a"', 9, /expected an operator \(eq, ne, co, sw, ew, gt, ge, lt, le or pr\) after "userName", found "xx"/],
      ['userName eq', 11, /expected a value after "eq"/],
      ['userName eq "open', 12, /string starting at character 13 is not closed/],
      ['(userName eq "a"', 16, /expected "\)" to close the "\(" at character 1/],
      ['userName eq "a")', 15, /"\)" without a matching "\("/],
      ['userName eq "a" garbage', 16, /expected "and", "or" or the end of the filter, found "garbage"/],
      ['userName eq "a" and', 19, /expected an expression/],
      ['and userName eq "a"', 0, /expected an expression before "and"/],
      ['emails[type eq "work"', 21, /expected "\]" to close the value filter opened at character 7/],
      ['emails[]', 7, /value filter of "emails" is empty/],
      ['userName eq "\\x"', 13, /invalid escape "\\x"/],
      ['userName eq "\\u12"', 13, /4 hex digits/],
    ])('When the filter is %j, then the error is at offset %d and says %s', (text, position, detail) => {
      const error = errorOf(text);
      expect(error.position).toBe(position);
      expect(error.detail).toMatch(detail);
      expect(error.detail).toContain(`at character ${position + 1}`);
    });

    it.each([
      ['foo eq "a"', /unknown attribute "foo"/],
      ['name.nickname eq "a"', /unknown sub-attribute "nickname" of "name" \(known: formatted, familyName/],
      ['emails[kind eq "work"]', /unknown sub-attribute "kind" of "emails"/],
      ['urn:example:custom:1.0:User:foo eq "a"', /unknown schema "urn:example:custom:1.0:User"/],
      [`${ENTERPRISE}:floor eq "3"`, /unknown attribute "floor" in urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/],
      ['members[value eq "x"]', /unknown attribute "members"/],
      ['name.givenName.first eq "a"', /nested too deeply/],
    ])('When the filter names an unknown attribute (%s), then it is refused with %s', (text, detail) => {
      expect(errorOf(text).detail).toMatch(detail);
    });

    it.each([
      ['active gt true', /"gt" does not apply to "active", which is a boolean/],
      ['active co "t"', /"co" does not apply to "active"/],
      ['active eq "yes"', /"active" is a boolean: compare it with true or false/],
      ['meta.created gt "yesterday"', /timestamp: use ISO 8601/],
      ['meta.created co "2024"', /which is a timestamp/],
      ['title gt null', /cannot compare with null/],
      ['name eq "Jane"', /"name" is complex: compare one of its sub-attributes, e.g. name.formatted/],
      ['emails[type eq "work"][value eq "x"]', /expected "and", "or"/],
      ['emails[emails[type eq "x"]]', /unknown sub-attribute "emails"/],
      ['userName[value eq "x"]', /has no sub-attributes/],
    ])('When the comparison does not fit the attribute (%s), then the error says why', (text, detail) => {
      expect(errorOf(text).detail).toMatch(detail);
    });

    it('When parentheses nest absurdly deep, then the parser refuses instead of overflowing the stack', () => {
      const text = `${'('.repeat(10000)}title pr${')'.repeat(10000)}`;
      expect(errorOf(text).detail).toMatch(/nested more than 64 levels/);
    });

    it('When "not" repeats absurdly often, then the parser refuses instead of overflowing the stack', () => {
      expect(errorOf(`${'not '.repeat(5000)}title pr`).detail).toMatch(/nested more than/);
    });
  });

  describe('formatting round-trips', () => {
    it.each([
      'userName eq "jane"',
      'title pr or userType eq "Intern" and active eq true',
      '(title pr or nickName pr) and locale pr',
      'not (title pr) and emails[type eq "work" and value co "@acme"]',
      `${ENTERPRISE}:manager.value eq "boss"`,
      'title pr and (nickName pr and locale pr)',
    ])('When %s is formatted and parsed again, then the tree is the same', (text) => {
      const node = parseFilter(text);
      expect(parseFilter(formatFilter(node))).toEqual(node);
    });
  });

  describe('sortBy', () => {
    it('When sortBy names an attribute in any case, then it resolves canonically', () => {
      expect(parseSortBy('NAME.familyname')).toEqual({ attr: 'name', sub: 'familyName' });
      expect(parseSortBy('meta.lastModified')).toEqual({ attr: 'meta', sub: 'lastModified' });
      expect(parseSortBy('emails')).toEqual({ attr: 'emails', sub: 'value' });
      expect(parseSortBy(`${ENTERPRISE}:department`)).toEqual({ attr: `${ENTERPRISE}:department` });
    });

    it('When sortBy names an unknown or complex attribute, then it is a 400 invalidValue naming it', () => {
      expect(scimErrorOf(() => parseSortBy('shoeSize'))).toMatchObject({ status: 400, scimType: 'invalidValue', detail: expect.stringMatching(/shoeSize/) });
      expect(scimErrorOf(() => parseSortBy('name')).detail).toMatch(/name.formatted/);
    });
  });
});

describe('the userName/externalId lookup shortcut', () => {
  const viaParser = (text: string) => new FilterParser(text, USER_RESOURCE_TYPE, 'filter').parseFilter();

  test.each([
    'userName eq "Ada"',
    '  USERNAME   EQ "ada.lovelace@acme.test"  ',
    'externalId eq ""',
    'externalid Eq "00u1ab2cd3EF4gh5ij6k"',
    'userName eq "名前 ✓ e\u0301"',
    'userName eq "a\\"b"',
    'userName eq "a\\\\b"',
    'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "ada"',
    'userName eq "ada" and active eq true',
  ])('When Entra ID or Okta looks a user up with %j, then the result equals the full parser’s', (text) => {
    expect(parseFilter(text)).toEqual(viaParser(text));
  });

  test('When any quote-free value is looked up by either attribute, then shortcut and parser agree', () => {
    fc.assert(
      fc.property(fc.constantFrom('userName', 'USERNAME', 'externalId', 'externalID'), fc.string().filter((v) => !/["\\]/.test(v)), (attr, value) => {
        const text = `${attr} eq "${value}"`;
        expect(parseFilter(text)).toEqual(viaParser(text));
      }),
    );
  });
});
