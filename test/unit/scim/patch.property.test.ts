import fc from 'fast-check';
import { ScimError } from '../../../src/scim/errors';
import { parseGroupInput } from '../../../src/scim/group-input';
import { planGroupMemberPatch } from '../../../src/scim/group-member-plan';
import { applyGroupPatch, applyUserPatch } from '../../../src/scim/patch';
import { projectResource } from '../../../src/scim/projection';
import { parseUserInput } from '../../../src/scim/user-input';
import { ENTERPRISE, WIRE } from './helpers';
import { storedUser } from './stored-user';

const paths = fc.oneof(
  fc.constantFrom(
    'userName', 'displayName', 'externalId', 'active', 'title', 'name', 'name.givenName', 'emails', 'emails.value',
    'emails[type eq "work"]', 'emails[type eq "work"].value', 'emails[value co "@"].primary', 'addresses[type eq "work"].formatted',
    'phoneNumbers[type eq "mobile"].value', 'roles', 'groups', 'id', 'meta', 'meta.created', 'schemas',
    ENTERPRISE, `${ENTERPRISE}:department`, `${ENTERPRISE}:manager`, `${ENTERPRISE}:manager.value`, `${ENTERPRISE}:manager.displayName`,
    `${WIRE}:richInfo`, `${WIRE}:richInfo[type eq "a"].value`, 'members', 'members[value eq "user-1"]', 'emails[', 'name..x', '',
  ),
  fc.string({ maxLength: 40 }),
);
const values = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('True', 'false', 'FALSE', null, [], {}, [{ value: 'x', type: 'work', primary: 'True' }], { givenName: 'A' }, 'x'.repeat(6000)),
  fc.dictionary(fc.oneof(paths, fc.string({ maxLength: 10 })), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);
const operation = fc.record(
  { op: fc.oneof(fc.constantFrom('add', 'Add', 'remove', 'Remove', 'replace', 'REPLACE'), fc.string({ maxLength: 8 })), path: paths, value: values },
  { requiredKeys: ['op'] },
);
const body = fc.oneof(
  fc.record({ schemas: fc.constant(['urn:ietf:params:scim:api:messages:2.0:PatchOp']), Operations: fc.array(operation, { maxLength: 6 }) }),
  fc.record({ Operations: fc.array(fc.oneof(operation, fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }) }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Runs fn; true if it returned or threw a ScimError with a 4xx status and a detail. */
function onlyScimErrors(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (error) {
    if (error instanceof ScimError && error.status >= 400 && error.status < 500 && error.detail.length > 0) return true;
    throw error;
  }
}

describe('PATCH and input robustness (property-based)', () => {
  it('When any PATCH body is applied to a user, then the result is a resource or a ScimError, and the input is never mutated', () => {
    const user = storedUser();
    const snapshot = structuredClone(user);
    fc.assert(
      fc.property(body, (request) => {
        onlyScimErrors(() => applyUserPatch(user, request));
        expect(user).toEqual(snapshot);
      }),
      { numRuns: 3000 },
    );
  });

  it('When any PATCH body succeeds on a user, then the result still satisfies the POST rules', () => {
    const user = storedUser();
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 4 }), (operations) => {
        let result;
        try {
          result = applyUserPatch(user, { Operations: operations });
        } catch (error) {
          if (error instanceof ScimError) return;
          throw error;
        }
        expect(() => parseUserInput(result)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it('When any PATCH body is applied to a group or planned, then only ScimErrors are thrown', () => {
    const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'group-1', displayName: 'G', members: [{ value: 'user-1' }] };
    fc.assert(
      fc.property(body, (request) => {
        onlyScimErrors(() => applyGroupPatch(group, request));
        onlyScimErrors(() => planGroupMemberPatch(request, { groupId: 'group-1' }));
      }),
      { numRuns: 3000 },
    );
  });

  it('When any JSON is posted as a user or group, then the result is a resource or a ScimError', () => {
    const userish = fc.record({ userName: fc.jsonValue(), displayName: fc.jsonValue(), externalId: fc.jsonValue(), emails: fc.jsonValue(), [ENTERPRISE]: fc.jsonValue(), schemas: fc.jsonValue() }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 3 }), userish), (input) => {
        onlyScimErrors(() => parseUserInput(input));
        onlyScimErrors(() => parseGroupInput(input));
      }),
      { numRuns: 3000 },
    );
  });

  it('When any attributes/excludedAttributes are asked for, then projection never throws and always keeps id and schemas', () => {
    const user = storedUser();
    const names = fc.array(fc.oneof(paths, fc.string({ maxLength: 12 })), { maxLength: 5 }).map((list) => list.join(','));
    fc.assert(
      fc.property(fc.option(names, { nil: undefined }), fc.option(names, { nil: undefined }), (attributes, excludedAttributes) => {
        const projected = projectResource(user, { attributes, excludedAttributes });
        expect(projected['id']).toBe('user-1');
        expect(projected['schemas']).toEqual(user.schemas);
      }),
      { numRuns: 2000 },
    );
  });
});
