import { resourceKeys, splitExtensionAttr } from '../../../src/scim/attr-path';
import { parseFilter } from '../../../src/scim/filter';
import { userAttrLocation } from '../../../src/scim/user-storage-map';
import { ENTERPRISE, WIRE } from './helpers';

const pathOf = (filter: string) => {
  const node = parseFilter(filter);
  if (node.kind !== 'compare' && node.kind !== 'present') throw new Error('expected a simple expression');
  return node.path;
};

describe('Where filter paths live in the stored User (for the store adapters)', () => {
  it.each([
    ['userName eq "a"', { kind: 'column', column: 'handle' }],
    ['externalId eq "a"', { kind: 'column', column: 'externalId' }],
    ['displayName eq "a"', { kind: 'column', column: 'displayName' }],
    ['id eq "a"', { kind: 'column', column: 'id' }],
    ['meta.created gt "2024-01-01T00:00:00Z"', { kind: 'column', column: 'createdAt' }],
    ['meta.lastModified gt "2024-01-01T00:00:00Z"', { kind: 'column', column: 'updatedAt' }],
    ['active eq true', { kind: 'active' }],
    ['groups.value eq "g"', { kind: 'groups', sub: 'value' }],
    ['meta.location eq "x"', { kind: 'unsupported' }],
    ['emails.value eq "a"', { kind: 'scim', keys: ['emails', 'value'], multiValued: true }],
    ['name.familyName eq "a"', { kind: 'scim', keys: ['name', 'familyName'], multiValued: false }],
    [`${ENTERPRISE}:department eq "a"`, { kind: 'scim', keys: [ENTERPRISE, 'department'], multiValued: false }],
    [`${ENTERPRISE}:manager.value eq "a"`, { kind: 'scim', keys: [ENTERPRISE, 'manager', 'value'], multiValued: false }],
    [`${WIRE}:richInfo.value eq "a"`, { kind: 'scim', keys: [WIRE, 'richInfo', 'value'], multiValued: true }],
  ])('When a client filters %s, then the store looks at %j', (filter, location) => {
    expect(userAttrLocation(pathOf(filter))).toEqual(location);
  });

  it('When an extension attr is split, then schema and name come back; core attributes give null', () => {
    expect(splitExtensionAttr(`${ENTERPRISE}:manager`)).toEqual({ schema: ENTERPRISE, name: 'manager' });
    expect(splitExtensionAttr(`${WIRE}:richInfo`)).toEqual({ schema: WIRE, name: 'richInfo' });
    expect(splitExtensionAttr('userName')).toBeNull();
    expect(resourceKeys({ attr: 'emails', sub: 'value' })).toEqual(['emails', 'value']);
  });
});
