import { buildUserResource, parseUserInput, splitUserResource, type UserResource } from '../../../src/scim/user-input';
import { CORE_USER, ENTERPRISE } from './helpers';

/** A stored user as the HTTP layer would return it. */
export function storedUser(overrides: Record<string, unknown> = {}): UserResource {
  const input = parseUserInput({
    schemas: [CORE_USER, ENTERPRISE],
    userName: 'jane.doe',
    externalId: 'jane@acme.example',
    displayName: 'Jane Doe',
    active: true,
    name: { givenName: 'Jane', familyName: 'Doe' },
    emails: [
      { value: 'jane@acme.example', type: 'work', primary: true },
      { value: 'jane@home.example', type: 'home' },
    ],
    addresses: [{ type: 'work', formatted: '1 Main St', locality: 'Springfield' }],
    [ENTERPRISE]: { department: 'Engineering', manager: { value: 'boss-1' } },
    ...overrides,
  });
  return buildUserResource(
    { ...splitUserResource(input), id: 'user-1', groups: [{ value: 'group-1', display: 'Everyone' }] },
    { created: '2024-01-01T00:00:00.000Z', lastModified: '2024-02-01T00:00:00.000Z', location: 'https://gh.example/scim/v2/Users/user-1', version: 4 },
  );
}
