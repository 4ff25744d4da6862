import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import { addSeconds, nowIso, randomSecret, sha256Hex } from '../crypto';
import { AppError, badRequest, conflict, forbidden, notFound } from '../http/errors';
import { isScimProfile } from '../scim/profile';
import type { AuditActor, NewUser, Role, SessionKind, Store, Team, User } from '../store/port';
import { UniqueConstraintError } from '../store/port';
import type { Auditor } from './audit';
import { uniqueHandle } from './handles';
import { checkPasswordRules, hashPassword, verifyPassword } from './passwords';

const EMAIL_PATTERN = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

export function normaliseEmail(email: unknown): string {
  if (typeof email !== 'string' || email.length > 254 || !EMAIL_PATTERN.test(email.trim()))
    throw badRequest('invalid-email', 'email must be an email address such as ada@example.com.');
  return email.trim().toLowerCase();
}

export function checkTeamName(name: unknown): string {
  if (typeof name !== 'string' || name.trim().length < 1 || [...name.trim()].length > 128)
    throw badRequest('invalid-team-name', 'Team name must be 1–128 characters.');
  return name.trim();
}

export interface Authenticated {
  user: User;
  team: Team;
}

export interface IssuedToken {
  secret: string;
  expiresIn: number;
}

/** Teams, owners/admins, password sign-in, access tokens and browser sessions. */
export class AccountService {
  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly audit: Auditor,
  ) {}

  async createTeam(input: { name: unknown; ownerEmail: unknown; password: unknown; actor: AuditActor; scimProfile?: unknown }) {
    const name = checkTeamName(input.name);
    const email = normaliseEmail(input.ownerEmail);
    const password = checkPasswordRules(input.password);
    if (input.scimProfile !== undefined && !isScimProfile(input.scimProfile))
      throw badRequest('invalid-scim-profile', `The SCIM profile must be "strict" or "directory", got ${JSON.stringify(input.scimProfile)?.slice(0, 40)}.`);
    const team: Team = { id: randomUUID(), name, createdAt: nowIso(), groupManagedRoles: false, validateSamlEmails: false, scimProfile: input.scimProfile ?? 'strict' };
    const owner = await this.newPasswordUser(team.id, email, password, 'owner');
    try {
      const created = await this.store.teams.createWithOwner(team, owner);
      await this.audit({ teamId: team.id, actor: input.actor, action: 'team.created', targetType: 'team', targetId: team.id, details: { name, ownerEmail: email, scimProfile: team.scimProfile } });
      return created;
    } catch (e) {
      throw this.mapUnique(e);
    }
  }

  async addAdmin(input: { teamId: string; email: unknown; role: unknown; password: unknown; actor: AuditActor }) {
    if (input.role !== 'owner' && input.role !== 'admin')
      throw badRequest('invalid-role', 'role must be "owner" or "admin".');
    const team = await this.store.teams.get(input.teamId);
    if (!team) throw notFound('team-not-found', `No team with id ${input.teamId}.`);
    const email = normaliseEmail(input.email);
    const password = checkPasswordRules(input.password);
    const user = await this.newPasswordUser(team.id, email, password, input.role);
    try {
      const created = await this.store.users.create(user);
      await this.audit({ teamId: team.id, actor: input.actor, action: 'admin.added', targetType: 'user', targetId: created.id, details: { email, role: input.role } });
      return created;
    } catch (e) {
      throw this.mapUnique(e);
    }
  }

  private async newPasswordUser(teamId: string, email: string, password: string, role: Role): Promise<NewUser> {
    return {
      id: randomUUID(),
      teamId,
      handle: await uniqueHandle(this.store, email),
      email,
      displayName: email.split('@')[0]!,
      role,
      status: 'active',
      managedBy: 'manual',
      externalId: null,
      passwordHash: await hashPassword(password),
      idpId: null,
      nameId: null,
      scim: {},
    };
  }

  private mapUnique(e: unknown): unknown {
    if (e instanceof UniqueConstraintError) {
      if (e.field === 'email') return conflict('email-exists', 'An account with this email already exists.');
      if (e.field === 'handle') return conflict('handle-exists', 'That handle is taken; try again.');
    }
    return e;
  }

  /** Same 403 for unknown email and wrong password; status errors only once the password matched. */
  async checkCredentials(emailInput: unknown, passwordInput: unknown): Promise<User> {
    if (typeof emailInput !== 'string' || typeof passwordInput !== 'string')
      throw badRequest('invalid-body', 'Send {"email": "…", "password": "…"} as JSON.');
    const user = await this.store.users.findByEmail(emailInput.trim().toLowerCase());
    const ok = await verifyPassword(user?.passwordHash ?? null, passwordInput);
    if (!user || !ok) throw forbidden('invalid-credentials', 'Authentication failed: wrong email or password.');
    if (user.status === 'suspended')
      throw forbidden('account-suspended', 'This account is suspended. Ask your team administrator to reinstate it.');
    if (user.status === 'pending')
      throw forbidden('account-pending', 'This account has not been activated yet. Accept the invitation email first.');
    return user;
  }

  async issueToken(user: User, kind: SessionKind): Promise<IssuedToken> {
    const secret = randomSecret();
    const createdAt = nowIso();
    const ttl = kind === 'access' ? this.config.accessTokenTtlSeconds : this.config.sessionTtlHours * 3600;
    await this.store.sessions.create({ tokenHash: sha256Hex(secret), kind, userId: user.id, teamId: user.teamId, createdAt, expiresAt: addSeconds(createdAt, ttl) });
    return { secret, expiresIn: ttl };
  }

  /** Resolves a bearer/cookie secret to its active user and team, or null. */
  async authenticate(secret: string, kind: SessionKind): Promise<Authenticated | null> {
    if (!secret || secret.length > 256) return null;
    const session = await this.store.sessions.findValid(sha256Hex(secret), nowIso());
    if (!session || session.kind !== kind) return null;
    const user = await this.store.users.get(session.teamId, session.userId);
    if (!user || user.status !== 'active') return null;
    const team = await this.store.teams.get(user.teamId);
    if (!team) return null;
    return { user, team };
  }

  async revoke(secret: string): Promise<void> {
    await this.store.sessions.delete(sha256Hex(secret));
  }

  async requireTeam(teamId: string): Promise<Team> {
    const team = await this.store.teams.get(teamId);
    if (!team) throw new AppError(404, 'team-not-found', `No team with id ${teamId}.`);
    return team;
  }
}
