import { randomUUID } from 'node:crypto';
import { digestsEqual, nowIso, randomSecret, sha256Hex } from '../crypto';
import type { Auditor } from '../accounts/audit';
import { verifyPassword } from '../accounts/passwords';
import { badRequest, forbidden, notFound } from '../http/errors';
import { ScimError } from './errors';
import type { AuditActor, ScimToken, Store, User } from '../store/port';

/** Scanners (and people) recognise our SCIM secrets by this prefix. */
export const SCIM_TOKEN_PREFIX = 'gscim_';
const MAX_TEXT = 256;

export function tokenInfo(t: ScimToken) {
  return { id: t.id, team: t.teamId, created_at: t.createdAt, idp: t.idpId, description: t.description, name: t.name };
}

function text(value: unknown, field: string, required: boolean): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw badRequest('invalid-body', `${field} is required (a string of at most ${MAX_TEXT} characters).`);
    return undefined;
  }
  if (typeof value !== 'string' || [...value].length > MAX_TEXT)
    throw badRequest('invalid-body', `${field} must be a string of at most ${MAX_TEXT} characters.`);
  return value.trim();
}

/**
 * A verified token is reused for this long without a store read (SCIM clients send bursts of
 * requests with one token). Deleting or renaming a token in this process forgets it at once; a
 * token deleted through another instance or the CLI stops working here within this window.
 */
export const TOKEN_CACHE_MS = 2000;
const TOKEN_CACHE_MAX = 1024;

export type IdpExists = (teamId: string, idpId: string) => Promise<boolean>;

export class ScimTokenService {
  /** Secret digest → verified token, with the time it stops being trusted without a store read. */
  private readonly verified = new Map<string, { token: ScimToken; until: number }>();
  /** Bumped on every forget, so a lookup that raced a delete does not put the token back. */
  private forgetGeneration = 0;

  constructor(
    private readonly store: Store,
    private readonly audit: Auditor,
    private readonly maxPerTeam: number,
    /** Checks an `idp` given at creation; replaced when SAML identity providers exist. */
    private readonly idpExists: IdpExists,
  ) {}

  /** The admin's password is re-checked: a stolen access token alone cannot mint a SCIM token. */
  async createByAdmin(admin: User, body: Record<string, unknown>) {
    const description = text(body.description, 'description', true)!;
    if (typeof body.password !== 'string') throw badRequest('invalid-body', 'password is required: re-enter your password to create a token.');
    if (!(await verifyPassword(admin.passwordHash, body.password)))
      throw forbidden('access-denied', 'The password is wrong; re-enter your own password to create a token.');
    const actor: AuditActor = { type: 'user', id: admin.id, name: admin.email ?? admin.handle };
    return this.create(admin.teamId, { description, name: text(body.name, 'name', false), idp: body.idp }, actor);
  }

  async create(teamId: string, input: { description: string; name?: string; idp?: unknown }, actor: AuditActor) {
    let idpId: string | null = null;
    if (input.idp !== undefined && input.idp !== null) {
      if (typeof input.idp !== 'string' || !(await this.idpExists(teamId, input.idp)))
        throw badRequest('unknown-idp', 'idp must be the id of one of this team\'s identity providers (GET /identity-providers).');
      idpId = input.idp.toLowerCase();
    } else {
      // With several IdPs, a token that names none would let whichever IdP signs a person in first claim them.
      const idps = await this.activeIdps(teamId);
      if (idps.length > 1)
        throw badRequest('idp-required', `This team has ${idps.length} identity providers, so a SCIM token must name the one its directory provisions for: send "idp" as one of ${idps.map((i) => `${i.id}${i.handle ? ` (${i.handle})` : ''}`).join(', ')}.`);
    }
    const secret = SCIM_TOKEN_PREFIX + randomSecret();
    const token: ScimToken = {
      id: randomUUID(),
      teamId,
      secretHash: sha256Hex(secret),
      name: input.name || input.description || 'SCIM token',
      description: input.description,
      idpId,
      createdAt: nowIso(),
    };
    const outcome = await this.store.scimTokens.createWithinLimit(token, this.maxPerTeam);
    if (outcome === 'limit-reached')
      throw forbidden('token-limit-reached', `A team can have at most ${this.maxPerTeam} SCIM tokens; delete one before creating another.`);
    await this.audit({ teamId, actor, action: 'scim-token.created', targetType: 'scim-token', targetId: token.id, details: { name: token.name, description: token.description, idp: idpId } });
    return { token: secret, info: tokenInfo(token) };
  }

  async list(teamId: string) {
    return (await this.store.scimTokens.list(teamId)).map(tokenInfo);
  }

  async find(teamId: string, id: string) {
    const token = await this.store.scimTokens.get(teamId, id);
    return token ? tokenInfo(token) : null;
  }

  /** How many tokens the team has (none: SSO self-signup is on). */
  count(teamId: string): Promise<number> {
    return this.store.scimTokens.countByTeam(teamId);
  }

  async rename(teamId: string, id: string, name: unknown, actor: AuditActor) {
    const clean = text(name, 'name', true)!;
    if (!clean) throw badRequest('invalid-body', 'name must not be empty.');
    const token = await this.store.scimTokens.rename(teamId, id, clean);
    this.forget(id);
    if (!token) throw notFound('token-not-found', `No SCIM token with id ${id} in your team.`);
    await this.audit({ teamId, actor, action: 'scim-token.renamed', targetType: 'scim-token', targetId: id, details: { name: clean } });
    return tokenInfo(token);
  }

  async delete(teamId: string, id: string, actor: AuditActor) {
    const deleted = await this.store.scimTokens.delete(teamId, id);
    this.forget(id);
    if (!deleted) throw notFound('token-not-found', `No SCIM token with id ${id} in your team.`);
    const left = await this.store.scimTokens.countByTeam(teamId);
    await this.audit({ teamId, actor, action: 'scim-token.deleted', targetType: 'scim-token', targetId: id, details: { remaining: left } });
  }

  /** The team's IdPs that are not replaced by another (a rotation counts once). */
  private async activeIdps(teamId: string) {
    return (await this.store.idps.list(teamId)).filter((i) => i.replacedById === null);
  }

  /**
   * Writes through a token that names no IdP are refused once the team has several IdPs: the users it
   * would create or change could be claimed by any of them. Reads stay allowed (the directory can still sync its view).
   */
  async checkMayWrite(token: ScimToken): Promise<void> {
    if (token.idpId !== null) return;
    const idps = await this.activeIdps(token.teamId);
    if (idps.length > 1)
      throw new ScimError(
        403,
        `This SCIM token names no identity provider, and the team now has ${idps.length} (${idps.map((i) => i.handle ?? i.entityId).join(', ')}): bind it to the one this directory provisions for — create a token with "idp" (POST /scim/auth-tokens) and replace this one in the directory.`,
      );
  }

  /** Bearer secret → token record. Looked up by digest, then the digest is compared in constant time. */
  async authenticate(secret: string): Promise<ScimToken | null> {
    if (!secret.startsWith(SCIM_TOKEN_PREFIX) || secret.length > 128) return null;
    const digest = sha256Hex(secret);
    const now = Date.now();
    const cached = this.verified.get(digest);
    if (cached && cached.until > now && digestsEqual(cached.token.secretHash, digest)) return cached.token;
    const generation = this.forgetGeneration;
    const token = await this.store.scimTokens.findBySecretHash(digest);
    if (!token || !digestsEqual(token.secretHash, digest)) {
      this.verified.delete(digest);
      return null;
    }
    // A token deleted or renamed while this lookup was in flight (an asynchronous store) is not cached.
    if (generation === this.forgetGeneration) {
      if (this.verified.size >= TOKEN_CACHE_MAX) this.verified.clear();
      this.verified.set(digest, { token, until: now + TOKEN_CACHE_MS });
    }
    return token;
  }

  /** Tokens deleted elsewhere in this process (with their IdP): they stop working at once. */
  forgetTokens(ids: readonly string[]): void {
    for (const id of ids) this.forget(id);
  }

  /** Drops a token from the verification cache (after it was deleted or renamed here). */
  private forget(id: string): void {
    this.forgetGeneration++;
    for (const [digest, entry] of this.verified) if (entry.token.id === id) this.verified.delete(digest);
  }
}
