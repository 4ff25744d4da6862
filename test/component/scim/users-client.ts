/** A SCIM client for component tests: a team, its SCIM token, and helpers shaped like IdP requests. */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { nowIso, randomSecret, sha256Hex } from '../../../src/crypto';
import { SCIM_TOKEN_PREFIX } from '../../../src/scim/token-service';
import { createScimToken, createTeam, type TestTeam } from '../../support/fixtures';
import { call, type Reply } from '../../support/http';
import type { TestServer } from '../../support/server';

const FIXTURES = path.resolve(__dirname, '../../fixtures/scim');

/** A recorded request body from test/fixtures/scim (e.g. "entra/create-user.json"). */
export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as T;
}

export const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const WIRE_PROFILE = 'urn:wire:scim:schemas:profile:1.0';

export interface ScimClient {
  team: TestTeam;
  token: string;
  request(method: string, path: string, json?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** POST /Users with a fresh unique userName/externalId unless given. */
  createUser(overrides?: Record<string, unknown>): Promise<Reply>;
  patch(id: string, operations: unknown[], headers?: Record<string, string>): Promise<Reply>;
}

/**
 * `sso` (default): the token is bound to a SAML IdP, so externalId is a NameID and users are created
 * as the body says. `password`: an email/password team — externalId must be an email and new users
 * are pending until they accept their invitation (test/component/invitations).
 */
export async function scimClient(server: TestServer, teamName: string, base = '/scim/v2', mode: 'sso' | 'password' = 'sso'): Promise<ScimClient> {
  const team = await createTeam(server, teamName);
  const token = mode === 'sso' ? await createIdpBoundScimToken(server, team, `${teamName} IdP`) : await createScimToken(server, team, `${teamName} IdP`);
  const request = (method: string, p: string, json?: unknown, headers: Record<string, string> = {}) =>
    call(server.url, method, base + p, { token, json, headers: { 'content-type': 'application/scim+json', ...headers } });
  return {
    team,
    token,
    request,
    createUser: (overrides = {}) => request('POST', '/Users', newUserBody(overrides)),
    patch: (id, operations, headers) => request('PATCH', `/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations }, headers),
  };
}

/** A SCIM token bound to an IdP, written to the store directly (the API checks the IdP exists). */
async function createIdpBoundScimToken(server: TestServer, team: TestTeam, description: string): Promise<string> {
  const secret = SCIM_TOKEN_PREFIX + randomSecret();
  const token = { id: randomUUID(), teamId: team.teamId, secretHash: sha256Hex(secret), name: description, description, idpId: randomUUID(), createdAt: nowIso() };
  if ((await server.services.store.scimTokens.createWithinLimit(token, 8)) !== 'created') throw new Error('token limit reached');
  return secret;
}

export function newUserBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const suffix = randomUUID().slice(0, 8);
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `user.${suffix}`,
    externalId: `user.${suffix}@acme.test`,
    displayName: `User ${suffix}`,
    ...overrides,
  };
}

/** The RFC 7644 §3.12 error body, with status as a string. */
export function expectScimError(reply: Reply, status: number, scimType?: string): void {
  expect({ status: reply.status, type: reply.headers.get('content-type') }).toEqual({ status, type: expect.stringContaining('application/scim+json') });
  expect(reply.body).toMatchObject({ schemas: [SCIM_ERROR], status: String(status), detail: expect.any(String) });
  if (scimType !== undefined) expect(reply.body.scimType).toBe(scimType);
}
