import { matchesFilter, parseFilter } from '../../../src/scim/filter';
import { GROUP_RESOURCE_TYPE } from '../../../src/scim/resource-types';
import { ENTERPRISE } from './helpers';

const jane = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  id: 'user-1',
  externalId: 'Jane@ACME.example',
  userName: 'jane.doe',
  displayName: 'Jane Doe',
  active: true,
  title: '',
  name: { givenName: 'Jane', familyName: 'Doe' },
  emails: [
    { value: 'jane@acme.example', type: 'work', primary: true },
    { value: 'jane@home.example', type: 'home' },
  ],
  [ENTERPRISE]: { department: 'Engineering', manager: { value: 'Boss-1' } },
  meta: { created: '2024-01-01T00:00:00.000Z', lastModified: '2024-02-01T12:00:00Z' },
};

const matches = (filter: string, resource: unknown = jane) => matchesFilter(parseFilter(filter), resource);

describe('In-memory filter evaluation', () => {
  it('When a caseExact=false attribute is compared, then case does not matter', () => {
    expect(matches('userName eq "JANE.DOE"')).toBe(true);
    expect(matches('displayName sw "jane"')).toBe(true);
    expect(matches(`${ENTERPRISE}:department eq "engineering"`)).toBe(true);
  });

  it('When a caseExact=true attribute is compared, then case matters', () => {
    expect(matches('externalId eq "Jane@ACME.example"')).toBe(true);
    expect(matches('externalId eq "jane@acme.example"')).toBe(false);
    expect(matches(`${ENTERPRISE}:manager.value eq "boss-1"`)).toBe(false);
    expect(matches(`${ENTERPRISE}:manager.value eq "Boss-1"`)).toBe(true);
  });

  it('When co, sw and ew are used, then they test substring, prefix and suffix', () => {
    expect(matches('emails co "@home"')).toBe(true);
    expect(matches('name.familyName sw "Do"')).toBe(true);
    expect(matches('name.familyName ew "oe"')).toBe(true);
    expect(matches('name.familyName ew "Do"')).toBe(false);
  });

  it('When gt/ge/lt/le compare strings, then the order is lexicographic', () => {
    expect(matches('userName gt "jane"')).toBe(true);
    expect(matches('userName lt "jane"')).toBe(false);
    expect(matches('userName le "jane.doe"')).toBe(true);
  });

  it('When timestamps are compared, then the order is chronological whatever the spelling', () => {
    expect(matches('meta.lastModified gt "2024-02-01T11:59:59Z"')).toBe(true);
    expect(matches('meta.lastModified eq "2024-02-01T13:00:00+01:00"')).toBe(true);
    expect(matches('meta.created lt "2023-12-31T23:59:59Z"')).toBe(false);
  });

  it('When a multi-valued attribute is compared, then any value may match', () => {
    expect(matches('emails.value eq "jane@home.example"')).toBe(true);
    expect(matches('emails.type eq "other"')).toBe(false);
  });

  it('When "ne" is used, then it is the negation of "eq" (a missing attribute is "ne" anything)', () => {
    expect(matches('userName ne "bob"')).toBe(true);
    expect(matches('userName ne "jane.doe"')).toBe(false);
    expect(matches('nickName ne "x"')).toBe(true);
    expect(matches('emails.value ne "jane@home.example"')).toBe(false);
  });

  it('When "pr" is used, then empty strings, empty lists and empty objects are not present', () => {
    expect(matches('name pr')).toBe(true);
    expect(matches('title pr')).toBe(false);
    expect(matches('nickName pr')).toBe(false);
    expect(matches('emails pr')).toBe(true);
    expect(matches('phoneNumbers pr')).toBe(false);
  });

  it('When "eq null" is used, then it means "not present"', () => {
    expect(matches('nickName eq null')).toBe(true);
    expect(matches('userName eq null')).toBe(false);
    expect(matches('userName ne null')).toBe(true);
  });

  it('When a value path is used, then all its conditions must hold for the same value', () => {
    expect(matches('emails[type eq "work" and value co "@acme"]')).toBe(true);
    expect(matches('emails[type eq "home" and value co "@acme"]')).toBe(false);
    expect(matches('emails[type eq "work"].value eq "jane@acme.example"')).toBe(true);
    expect(matches('emails[type eq "home"].value eq "jane@acme.example"')).toBe(false);
    expect(matches('emails[primary eq true]')).toBe(true);
  });

  it('When and/or/not combine, then the usual logic applies', () => {
    expect(matches('active eq true and not (userName eq "bob")')).toBe(true);
    expect(matches('active eq false or userName sw "j"')).toBe(true);
    expect(matches('not (active eq true)')).toBe(false);
  });

  it('When boolean and string values are mixed up in the resource, then nothing matches by accident', () => {
    expect(matches('active eq true', { ...jane, active: 'true' })).toBe(false);
  });

  it('When resource keys are spelled in another case, then the evaluator still finds them', () => {
    expect(matches('userName eq "jane.doe"', { USERNAME: 'jane.doe' })).toBe(true);
  });

  it('When a Group member filter is evaluated, then only the group with that member matches', () => {
    const node = parseFilter('members[value eq "user-2"]', GROUP_RESOURCE_TYPE);
    expect(matchesFilter(node, { displayName: 'A', members: [{ value: 'user-1' }, { value: 'user-2' }] })).toBe(true);
    expect(matchesFilter(node, { displayName: 'B', members: [{ value: 'USER-2' }] })).toBe(false);
    expect(matchesFilter(node, { displayName: 'C' })).toBe(false);
  });
});
