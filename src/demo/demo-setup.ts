import { randomBytes } from 'node:crypto';
import type { AccountService } from '../accounts/account-service';
import type { AuditActor } from '../store/port';
import { DEMO_ADMIN, DEMO_OWNER_EMAIL, DEMO_TEAM_NAME, PROVISIONED_PEOPLE, scimUserBody } from './demo-people';
import { MOCK_IDP_PATH } from './mock-idp-metadata';

/** Who made the demo data, in the audit log. */
export const DEMO_ACTOR: AuditActor = { type: 'operator', id: null, name: 'npm run demo' };

export interface DemoSeed {
  teamId: string;
  ownerEmail: string;
  ownerPassword: string;
  idpId: string;
  loginCode: string;
  loginUrl: string;
  /** Shown once, like every SCIM token. */
  scimToken: string;
  people: Array<{ id: string; userName: string; email: string; displayName: string }>;
  adminGroup: { id: string; displayName: string; member: string };
}

class SetupError extends Error {}

/**
 * Fills a fresh demo instance the way an evaluator would by hand: the operator creates the team
 * (as `gatehouse team create` does), then everything else goes through the running server's own
 * HTTP API, so the audit log and the provisioning log show each step with its real actor: the
 * owner connects the mock IdP from its metadata and creates a SCIM token bound to it; the token
 * provisions three people and puts one into the admin role group.
 */
export async function seedDemo(baseUrl: string, accounts: AccountService): Promise<DemoSeed> {
  const ownerPassword = `demo-${randomBytes(9).toString('base64url')}`;
  const { team } = await accounts.createTeam({ name: DEMO_TEAM_NAME, ownerEmail: DEMO_OWNER_EMAIL, password: ownerPassword, actor: DEMO_ACTOR });
  const api = client(baseUrl);

  const login = await api('POST', '/login?persist=false', { json: { email: DEMO_OWNER_EMAIL, password: ownerPassword } });
  const bearer = String(login.access_token);

  const metadata = await api('GET', `${MOCK_IDP_PATH}/metadata`, { raw: true });
  const idp = await api('POST', '/identity-providers?handle=Mock%20IdP', { bearer, json: { metadata: metadata.text } });
  const idpId = String(idp.id);

  const created = await api('POST', '/scim/auth-tokens', {
    bearer,
    json: { description: 'Demo directory (npm run demo)', name: 'Mock IdP provisioning', password: ownerPassword, idp: idpId },
  });
  const scimToken = String((created as { token: string }).token);

  const people: DemoSeed['people'] = [];
  for (const person of PROVISIONED_PEOPLE) {
    const user = await api('POST', '/scim/v2/Users', { bearer: scimToken, scim: true, json: scimUserBody(person) });
    people.push({ id: String(user.id), userName: person.userName, email: person.email, displayName: person.displayName });
  }

  // Group-managed roles: the "Gatehouse Admins" group grants the admin role to its members.
  const settings = await api('PUT', '/team/settings', { bearer, json: { group_managed_roles: true } });
  const roleGroups = settings.role_groups as Array<{ id: string; display_name: string; role: string }>;
  const admins = roleGroups.find((g) => g.role === 'admin');
  if (!admins) throw new SetupError('turning on group-managed roles created no admin role group');
  const adminUser = people.find((p) => p.userName === DEMO_ADMIN.userName)!;
  await api('PATCH', `/scim/v2/Groups/${admins.id}`, {
    bearer: scimToken,
    scim: true,
    json: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: adminUser.id }] }] },
  });

  return {
    teamId: team.id,
    ownerEmail: DEMO_OWNER_EMAIL,
    ownerPassword,
    idpId,
    loginCode: String(idp.login_code),
    loginUrl: String(idp.login_url),
    scimToken,
    people,
    adminGroup: { id: admins.id, displayName: admins.display_name, member: adminUser.displayName },
  };
}

type Body = Record<string, unknown> & { text?: string };

/** A tiny client of the demo server's own API; any unexpected answer stops the setup with what the server said. */
function client(baseUrl: string) {
  return async (method: string, path: string, options: { bearer?: string; json?: unknown; scim?: boolean; raw?: boolean }): Promise<Body> => {
    const headers: Record<string, string> = {};
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
    if (options.json !== undefined) headers['content-type'] = options.scim ? 'application/scim+json' : 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: options.json === undefined ? undefined : JSON.stringify(options.json) });
    const text = await res.text();
    if (!res.ok) throw new SetupError(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    if (options.raw || text === '') return { text };
    return JSON.parse(text) as Body;
  };
}
