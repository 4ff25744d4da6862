/**
 * The one store contract suite: every adapter must pass it unchanged.
 * sqlite.test.ts runs it always; mongo.test.ts whenever MONGODB_URI is set.
 */
import type { Store } from '../../src/store/port';
import { directoryScopeContract } from './sections/directory-scope.contract';
import { directoryUsersContract } from './sections/directory-users.contract';
import { groupWriteRaceContract } from './sections/group-write-race.contract';
import { groupsContract } from './sections/groups.contract';
import { invitationsContract } from './sections/invitations.contract';
import { instanceSecretsContract, spKeysContract } from './sections/keys.contract';
import { auditLogContract, provisioningLogContract } from './sections/logs.contract';
import { identityProvidersContract, replayCacheContract, samlRequestsContract, samlTestRunsContract } from './sections/saml.contract';
import { sessionsContract } from './sections/sessions.contract';
import { teamsContract } from './sections/teams.contract';
import { scimTokensContract } from './sections/tokens.contract';
import { rateLimitsContract } from './sections/rate-limits.contract';
import { userFilterContract } from './sections/user-filter.contract';
import { userSortContract } from './sections/user-sort.contract';
import { usersContract } from './sections/users.contract';

/** Sections receive a getter: the store only exists once beforeAll has run. */
export type GetStore = () => Store;

export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name} store contract`, () => {
    let store: Store | undefined;
    const getStore: GetStore = () => {
      if (!store) throw new Error('store not opened');
      return store;
    };

    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => {
      await store?.close();
    });

    test('When the store is open, then ping answers and kind names the adapter', async () => {
      await expect(getStore().ping()).resolves.toBeUndefined();
      expect(['sqlite', 'mongo']).toContain(getStore().kind);
    });

    describe('teams', () => teamsContract(getStore));
    describe('directory-profile users', () => directoryUsersContract(getStore));
    describe('users', () => usersContract(getStore));
    describe('what the SCIM directory may see (directory scope)', () => directoryScopeContract(getStore));
    describe('user list filters', () => userFilterContract(getStore));
    describe('user list sorting and paging', () => userSortContract(getStore));
    describe('SCIM tokens', () => scimTokensContract(getStore));
    describe('sessions', () => sessionsContract(getStore));
    describe('audit log', () => auditLogContract(getStore));
    describe('provisioning log', () => provisioningLogContract(getStore));
    describe('identity providers', () => identityProvidersContract(getStore));
    describe('SAML requests', () => samlRequestsContract(getStore));
    describe('SAML replay cache', () => replayCacheContract(getStore));
    describe('SAML test runs', () => samlTestRunsContract(getStore));
    describe('shared rate limits', () => rateLimitsContract(getStore));
    describe('groups and memberships', () => groupsContract(getStore));
    describe('group writes that lose a version race', () => groupWriteRaceContract(getStore));
    describe('invitations', () => invitationsContract(getStore));
    describe('SP keys', () => spKeysContract(getStore));
    describe('instance secrets', () => instanceSecretsContract(getStore));
  });
}
