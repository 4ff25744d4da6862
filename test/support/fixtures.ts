import { randomUUID } from 'node:crypto';
import { operatorActor } from '../../src/accounts/audit';
import type { TestServer } from './server';
import { call } from './http';

export interface TestTeam {
  teamId: string;
  ownerId: string;
  email: string;
  password: string;
  accessToken: string;
}

/** A team with an owner, created the way an operator does it, and the owner signed in. */
export async function createTeam(server: TestServer, name = 'Acme'): Promise<TestTeam> {
  const email = `owner-${randomUUID().slice(0, 8)}@${name.toLowerCase().replace(/\W/g, '')}.test`;
  const password = 'correct horse battery';
  const { team, owner } = await server.services.accounts.createTeam({ name, ownerEmail: email, password, actor: operatorActor });
  const login = await call(server.url, 'POST', '/login?persist=false', { json: { email, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.text}`);
  return { teamId: team.id, ownerId: owner.id, email, password, accessToken: login.body.access_token };
}

export async function createScimToken(server: TestServer, team: TestTeam, description = 'test token'): Promise<string> {
  const res = await call(server.url, 'POST', '/scim/auth-tokens', { token: team.accessToken, json: { description, password: team.password } });
  if (res.status !== 200) throw new Error(`token creation failed: ${res.text}`);
  return res.body.token;
}
