import { randomUUID } from 'node:crypto';
import type { TestServer } from '../../support/server';
import type { ManagedBy, UserStatus } from '../../../src/store/port';

/** A handful of people and SCIM requests so pages (and screenshots) look like a team in use. */
export async function seedTeam(server: TestServer, teamId: string): Promise<void> {
  const people: Array<[string, string, string, ManagedBy, UserStatus]> = [
    ['Grace Hopper', 'grace', 'grace@acme.example', 'scim', 'active'],
    ['Alan Turing', 'alan.turing', 'alan@acme.example', 'manual', 'active'],
    ['Katherine Johnson', 'kjohnson', 'katherine@acme.example', 'sso', 'suspended'],
    ['Linus Pending', 'linus', 'linus@acme.example', 'scim', 'pending'],
    ['Margaret Hamilton', 'mhamilton', 'margaret@acme.example', 'scim', 'active'],
  ];
  for (const [name, handle, email, managedBy, status] of people) {
    await server.services.store.users.create({
      id: randomUUID(), teamId, handle: `${handle}-${teamId.slice(0, 4)}`, email: managedBy === 'manual' || status === 'pending' ? email : null, displayName: name, role: 'member', status, managedBy,
      externalId: managedBy === 'scim' ? email : null, passwordHash: null, idpId: null, nameId: null,
      scim: managedBy === 'scim' ? { emails: [{ value: email, primary: true, type: 'work' }] } : {},
    });
  }
  const log = server.services.store.provisioningLog;
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  await log.append({ teamId, at: at(9), tokenId: null, method: 'POST', path: '/scim/v2/Users', status: 201, scimType: null, detail: null, durationMs: 18 });
  await log.append({ teamId, at: at(6), tokenId: null, method: 'POST', path: '/scim/v2/Users', status: 409, scimType: 'uniqueness', detail: 'userName "grace" is already taken on this instance; choose another handle.', durationMs: 11 });
  await log.append({ teamId, at: at(3), tokenId: null, method: 'PATCH', path: '/scim/v2/Users/5b1c8d2e-0000-4000-8000-000000000001', status: 200, scimType: null, detail: null, durationMs: 9 });
}
