import { buildGroupResource, parseGroupInput } from '../../../src/scim/group-input';
import { planGroupMemberPatch } from '../../../src/scim/group-member-plan';
import { applyGroupPatch } from '../../../src/scim/patch';
import { fixture, patchBody, scimErrorOf } from './helpers';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const group = () => ({
  schemas: [GROUP],
  id: 'group-1',
  displayName: 'Engineering',
  externalId: 'ext-1',
  members: [{ value: 'user-1' }, { value: 'user-2' }],
  meta: { resourceType: 'Group', created: '2024-01-01T00:00:00.000Z', lastModified: '2024-01-01T00:00:00.000Z', location: 'https://gh.example/scim/v2/Groups/group-1', version: 'W/"1"' },
});
const memberIds = (resource: Record<string, unknown>) => ((resource['members'] as { value: string }[] | undefined) ?? []).map((m) => m.value);
const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `user-${from + i}`);

describe('Groups', () => {
  describe('POST/PUT bodies', () => {
    it('When Entra ID creates a group with its ADSCIM schema entry, then the body is accepted', () => {
      expect(parseGroupInput(fixture('entra/create-group.json'))).toEqual({
        schemas: [GROUP],
        displayName: 'Engineering',
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        members: [],
      });
    });

    it('When Okta creates a group with an empty member list, then it is accepted', () => {
      expect(parseGroupInput(fixture('okta/create-group.json'))).toEqual({ schemas: [GROUP], displayName: 'Test SCIMv2', members: [] });
    });

    it('When members repeat or carry display and $ref, then each id is kept once', () => {
      const input = parseGroupInput({ displayName: 'G', members: [{ value: 'a', display: 'A', $ref: 'x' }, { value: 'a' }, { Value: 'b', type: 'User' }] });
      expect(input.members).toEqual([{ value: 'a' }, { value: 'b' }]);
    });

    it.each([
      [{ members: [] }, /displayName is required/],
      [{ displayName: '' }, /displayName must be 1 to 256/],
      [{ displayName: 'G', members: [{ value: 'g2', type: 'Group' }] }, /members\[0\] has type "Group": only users can be members/],
      [{ displayName: 'G', members: [{ display: 'no id' }] }, /members\[0\]\.value must be the id of a user/],
      [{ displayName: 'G', members: 'user-1' }, /members must be a list/],
      [{ displayName: 'G', schemas: ['urn:example:custom:Group'] }, /schemas names "urn:example:custom:Group"/],
    ])('When the body is %j, then it is 400 invalidValue saying %s', (body, detail) => {
      const error = scimErrorOf(() => parseGroupInput(body));
      expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect(error.detail).toMatch(detail);
    });

    it('When a group resource is built, then members carry type and $ref, and meta a weak ETag', () => {
      const resource = buildGroupResource(
        { id: 'g-1', displayName: 'G', externalId: null, members: [{ value: 'u-1', display: 'Jane' }] },
        { created: 'c', lastModified: 'l', location: 'https://gh.example/scim/v2/Groups/g-1', version: 2 },
        'https://gh.example/scim/v2/Users/',
      );
      expect(resource).toEqual({
        schemas: [GROUP],
        id: 'g-1',
        displayName: 'G',
        members: [{ value: 'u-1', type: 'User', $ref: 'https://gh.example/scim/v2/Users/u-1', display: 'Jane' }],
        meta: { resourceType: 'Group', created: 'c', lastModified: 'l', location: 'https://gh.example/scim/v2/Groups/g-1', version: 'W/"2"' },
      });
    });
  });

  describe('PATCH applied to a group document', () => {
    it('When Entra ID removes a member with a value filter, then only that member leaves the group', () => {
      expect(memberIds(applyGroupPatch(group(), fixture('entra/patch-group-remove-member-filter.json')))).toEqual(['user-2']);
    });

    it('When legacy Entra ID removes a member with a value list, then only that member leaves the group', () => {
      expect(memberIds(applyGroupPatch(group(), fixture('entra/patch-group-remove-member-legacy-value.json')))).toEqual(['user-2']);
    });

    it('When Entra ID adds a member with "$ref": null, then the member is added', () => {
      expect(memberIds(applyGroupPatch(group(), fixture('entra/patch-group-add-member.json')))).toEqual(['user-1', 'user-2', 'user-3']);
    });

    it('When Entra ID renames a group, then displayName changes', () => {
      expect(applyGroupPatch(group(), fixture('entra/patch-group-rename.json'))['displayName']).toBe('Engineering (all)');
    });

    it('When Okta renames a group repeating its id, then displayName changes', () => {
      expect(applyGroupPatch(group(), fixture('okta/rename-group.json'))['displayName']).toBe('Test SCIMv2 renamed');
    });

    it('When Okta adds members with display names, then they are added without the client display', () => {
      const result = applyGroupPatch(group(), fixture('okta/add-members.json'));
      expect(result['members']).toEqual([{ value: 'user-1' }, { value: 'user-2' }, { value: 'user-3' }, { value: 'user-4' }]);
    });

    it('When Okta group push removes and adds in one request, then both apply in order', () => {
      expect(memberIds(applyGroupPatch(group(), fixture('okta/group-push-mixed.json')))).toEqual(['user-5']);
    });

    it('When an existing member is added again, then it is a no-op', () => {
      expect(memberIds(applyGroupPatch(group(), patchBody({ op: 'add', path: 'members', value: [{ value: 'user-1' }] })))).toEqual(['user-1', 'user-2']);
    });

    it('When remove "members" has no value, then all members go', () => {
      expect(applyGroupPatch(group(), patchBody({ op: 'remove', path: 'members' }))).not.toHaveProperty('members');
    });

    it('When members are replaced, then the list is exactly the new one', () => {
      expect(memberIds(applyGroupPatch(group(), patchBody({ op: 'replace', path: 'members', value: [{ value: 'user-9' }] })))).toEqual(['user-9']);
    });

    it('When displayName is removed, then it is 400 mutability', () => {
      expect(scimErrorOf(() => applyGroupPatch(group(), patchBody({ op: 'remove', path: 'displayName' })))).toMatchObject({ scimType: 'mutability' });
    });

    it('When a member is added with type Group, then it is 400 invalidValue (no nested groups)', () => {
      expect(scimErrorOf(() => applyGroupPatch(group(), patchBody({ op: 'add', path: 'members', value: [{ value: 'g-2', type: 'Group' }] })))).toMatchObject({ scimType: 'invalidValue' });
    });

    it('When a member value is changed in place, then it is 400 mutability', () => {
      expect(scimErrorOf(() => applyGroupPatch(group(), patchBody({ op: 'replace', path: 'members[value eq "user-1"].value', value: 'user-7' })))).toMatchObject({ scimType: 'mutability' });
    });
  });

  describe('planGroupMemberPatch (membership as rows)', () => {
    const plan = (...operations: unknown[]) => planGroupMemberPatch(patchBody(...operations), { groupId: 'group-1' });
    const empty = { add: [], remove: [], removeAll: false, replace: null };

    it('When Entra ID adds a member with "$ref": null, then the plan adds it', () => {
      expect(planGroupMemberPatch(fixture('entra/patch-group-add-member.json'))).toEqual({ ...empty, add: ['user-3'] });
    });

    it('When Entra ID removes a member with a value filter, then the plan removes only that member', () => {
      expect(planGroupMemberPatch(fixture('entra/patch-group-remove-member-filter.json'))).toEqual({ ...empty, remove: ['user-1'] });
    });

    it('When Okta and legacy Entra ID remove members with a value list, then the plan removes only those (never all)', () => {
      expect(planGroupMemberPatch(fixture('entra/patch-group-remove-member-legacy-value.json'))).toEqual({ ...empty, remove: ['user-1'] });
    });

    it('When Okta group push removes and adds, then the plan has both', () => {
      expect(planGroupMemberPatch(fixture('okta/group-push-mixed.json'))).toEqual({ ...empty, add: ['user-5'], remove: ['user-1', 'user-2'] });
    });

    it('When Okta renames with the group id in the value, then the plan renames', () => {
      expect(planGroupMemberPatch(fixture('okta/rename-group.json'), { groupId: 'group-1' })).toEqual({ ...empty, displayName: 'Test SCIMv2 renamed' });
    });

    it('When a path-less replace carries a different id, then it is 400 mutability', () => {
      expect(scimErrorOf(() => planGroupMemberPatch(fixture('okta/rename-group.json'), { groupId: 'group-9' }))).toMatchObject({ scimType: 'mutability' });
    });

    it('When Entra ID renames by path, then the plan renames', () => {
      expect(planGroupMemberPatch(fixture('entra/patch-group-rename.json'))).toEqual({ ...empty, displayName: 'Engineering (all)' });
    });

    it('When remove "members" has no value, then the plan removes all', () => {
      expect(plan({ op: 'Remove', path: 'members' })).toEqual({ ...empty, removeAll: true });
    });

    it('When all members are removed and then some added, then the plan says remove-all then add', () => {
      expect(plan({ op: 'remove', path: 'members' }, { op: 'add', path: 'members', value: [{ value: 'a' }] })).toEqual({ ...empty, removeAll: true, add: ['a'] });
    });

    it('When members are added and then all removed, then nothing is added', () => {
      expect(plan({ op: 'add', path: 'members', value: [{ value: 'a' }] }, { op: 'remove', path: 'members' })).toEqual({ ...empty, removeAll: true });
    });

    it('When a member is added then removed, then the plan removes it', () => {
      expect(plan({ op: 'add', path: 'members', value: [{ value: 'a' }] }, { op: 'remove', path: 'members[value eq "a"]' })).toEqual({ ...empty, remove: ['a'] });
    });

    it('When a member is removed then added, then the plan adds it', () => {
      expect(plan({ op: 'remove', path: 'members[value eq "a"]' }, { op: 'add', path: 'members', value: [{ value: 'a' }] })).toEqual({ ...empty, add: ['a'] });
    });

    it('When members are replaced and then edited, then the plan is the final list', () => {
      expect(
        plan(
          { op: 'replace', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
          { op: 'add', path: 'members', value: [{ value: 'c' }] },
          { op: 'remove', path: 'members[value eq "a"]' },
        ),
      ).toEqual({ ...empty, replace: ['b', 'c'] });
    });

    it('When members are replaced with an empty list, then the plan replaces with nothing', () => {
      expect(plan({ op: 'replace', path: 'members', value: [] })).toEqual({ ...empty, replace: [] });
    });

    it('When a path-less replace sets displayName, externalId and members, then the plan has all three', () => {
      expect(plan({ op: 'replace', value: { displayName: 'New', externalId: 'x-2', members: [{ value: 'a' }] } })).toEqual({ ...empty, displayName: 'New', externalId: 'x-2', replace: ['a'] });
    });

    it('When externalId is removed, then the plan clears it', () => {
      expect(plan({ op: 'remove', path: 'externalId' })).toEqual({ ...empty, externalId: null });
    });

    it('When members are removed with an "or" of value filters, then each is removed', () => {
      expect(plan({ op: 'remove', path: 'members[value eq "a" or value eq "b"]' })).toEqual({ ...empty, remove: ['a', 'b'] });
    });

    it('When members come as a bare id, a list of bare ids, or {value, display}, then each is a member id', () => {
      expect(plan({ op: 'add', path: 'members', value: 'user-1' })).toEqual({ ...empty, add: ['user-1'] });
      expect(plan({ op: 'add', path: 'members', value: ['user-1', 'user-2'] })).toEqual({ ...empty, add: ['user-1', 'user-2'] });
      expect(plan({ op: 'remove', path: 'members', value: [{ value: 'user-3', display: 'Jane' }] })).toEqual({ ...empty, remove: ['user-3'] });
    });

    it('When the same member is listed twice, then it appears once', () => {
      expect(plan({ op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'a' }] })).toEqual({ ...empty, add: ['a'] });
    });

    it.each([
      [{ op: 'remove', path: 'displayName' }, 'mutability', /displayName is required/],
      [{ op: 'replace', path: 'displayName', value: '' }, 'invalidValue', /1 to 256/],
      [{ op: 'add', path: 'members', value: [{ value: '' }] }, 'invalidValue', /members\[0\]\.value must be the id of a user/],
      [{ op: 'add', path: 'members', value: [42] }, 'invalidValue', /members\[0\] must be an object/],
      [{ op: 'add', path: 'members', value: [{ value: 'g', type: 'Group' }] }, 'invalidValue', /nested groups are not supported/],
      [{ op: 'remove', path: 'members[display eq "Jane"]' }, 'invalidPath', /only members\[value eq "<user id>"\] filters/],
      [{ op: 'add', path: 'members[value eq "a"]', value: {} }, 'invalidPath', /use "path": "members"/],
      [{ op: 'replace', path: 'members.value', value: 'a' }, 'mutability', /cannot be changed in place/],
      [{ op: 'replace', path: 'meta', value: {} }, 'mutability', /read-only/],
      [{ op: 'replace', path: 'userName', value: 'x' }, 'invalidPath', /unknown attribute "userName"/],
      [{ op: 'remove' }, 'noTarget', /needs a "path"/],
      [{ op: 'replace', value: 'x' }, 'invalidValue', /must be an object/],
    ])('When the operation is %j, then it is 400 %s', (operation, scimType, detail) => {
      const error = scimErrorOf(() => plan(operation));
      expect(error).toMatchObject({ status: 400, scimType });
      expect(error.detail).toMatch(/^Operation 1 /);
      expect(error.detail).toMatch(detail);
    });

    it('When one operation of several is invalid, then no plan is returned at all', () => {
      expect(() => plan({ op: 'add', path: 'members', value: [{ value: 'a' }] }, { op: 'add', path: 'members', value: [{ value: '' }] })).toThrow(/Operation 2/);
    });

    // Correctness at the sizes IdPs send; how fast large member PATCHes run is measured by bench/scim-groups.ts, not here.
    it('When 50,000 members are added (some listed twice) and 25,000 removed by value list in one request, then the plan adds each remaining one once and removes the others, in the order sent', () => {
      const added = [...ids(0, 50_000), ...ids(40_000, 40_100)];
      const result = plan(
        { op: 'add', path: 'members', value: added.map((value) => ({ value })) },
        { op: 'remove', path: 'members', value: ids(0, 25_000).map((value) => ({ value })) },
      );
      expect(result).toEqual({ ...empty, add: ids(25_000, 50_000), remove: ids(0, 25_000) });
    });

    it('When 5,000 members are added to an in-memory group document that has two of them, then it holds each of the 5,000 once, the existing ones first', () => {
      const result = applyGroupPatch(group(), patchBody({ op: 'add', path: 'members', value: ids(0, 5000).map((value) => ({ value })) }));
      const members = memberIds(result);
      expect(members).toHaveLength(5000);
      expect(new Set(members)).toEqual(new Set(ids(0, 5000)));
      expect(members.slice(0, 3)).toEqual(['user-1', 'user-2', 'user-0']);
    });
  });
});
