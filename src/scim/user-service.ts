/**
 * SCIM /Users as a service: each verb is one small method (createUser, getUser, listUsers,
 * replaceUser, patchUser, deleteUser) so later features (invitations) can hook in by name.
 * Input is validated by the pure SCIM core; this class adds the store, the team boundary,
 * optimistic concurrency, and the audit trail (committed by the store with each write).
 */
import { handleBase, uniqueHandle } from '../accounts/handles';
import { loginEmailAfterWrite, type EmailValidationService, type EmailValidationState } from '../accounts/email-validation-service';
import type { InvitationService } from '../accounts/invitation-service';
import { findAdoptable, findSubjectHolder, nameIdAfterExternalIdChange } from '../accounts/saml-subject';
import type { Config } from '../config';
import type { FilterNode } from '../store/query';
import { directoryMayOwn, UniqueConstraintError, VersionConflictError, type AuditActor, type UserQuery, type NewAuditEntry, type NewUser, type Page, type ScimToken, type Store, type User, type UserStatus } from '../store/port';
import { timeOrderedId } from '../store/ids';
import { parseAttributePath, resolveUserAttribute, UnmappableAttributeError } from '../store/user-attributes';
import { ScimError, scimBadRequest } from './errors';
import { EMAIL_VALIDATION_SCHEMA } from './schemas';
import { checkIfMatch } from './etag';
import { parseFilter, parseSortBy } from './filter';
import type { ListRequest } from './list-request';
import { applyPatch, applyUserPatch } from './patch';
import { USER_RESOURCE_TYPE } from './resource-types';
import { groupOfUserFilter } from './user-group-filter';
import { foldUserName, teamScimProfile, type ScimProfile } from './profile';
import { buildUserResource, formatVersion, type GroupRef, parseUserInput, splitUserResource, type StoredUserParts, type UserResource } from './user-input';

/** A PUT/PATCH without If-Match is recomputed this often when a concurrent write moved the version. */
const WRITE_ATTEMPTS = 3;

export const scimActor = (token: ScimToken): AuditActor => ({ type: 'scim-token', id: token.id, name: token.name });

export const userNotFound = (id: string) => new ScimError(404, `No user with id ${JSON.stringify(id.slice(0, 64))} in this team.`);

/** The ETag of a stored user (RFC 7644 §3.14): weak, from the store's version counter. */
export const userETag = (user: User) => formatVersion(user.version);

/** Told what a successful write did beyond the verb (adoption, binding kept or cleared): the provisioning log shows it. */
export type WriteNote = (text: string) => void;

export class ScimUserService {
  constructor(
    private readonly store: Store,
    private readonly config: Pick<Config, 'publicUrl' | 'richInfoLimit'>,
    /** Email/password teams: externalId is the sign-in email; new users are pending and invited. */
    private readonly invitations?: InvitationService,
    /** SSO teams with validate_saml_emails: email-shaped identifiers get a validation mail. */
    private readonly emailValidation?: EmailValidationService,
  ) {}

  /** The SCIM resource for a stored user; meta.location is absolute, from PUBLIC_URL. */
  toResource(user: User, groups?: GroupRef[], emailState?: EmailValidationState): UserResource {
    const scim = emailState ? { ...user.scim, [EMAIL_VALIDATION_SCHEMA]: emailState } : user.scim;
    return buildUserResource(
      { id: user.id, handle: user.handle, ...(user.userName != null ? { userName: user.userName } : {}), displayName: user.displayName, externalId: user.externalId, active: user.status === 'active', scim, ...(groups ? { groups } : {}) },
      { created: user.createdAt, lastModified: user.updatedAt, location: this.location(user.id), version: user.version },
    );
  }

  /** The email-validation state of the users that have one (for toResource). */
  async emailStates(teamId: string, users: readonly User[]): Promise<Map<string, EmailValidationState>> {
    return this.emailValidation ? this.emailValidation.statesOf(teamId, users) : new Map();
  }

  location(id: string): string {
    return `${this.config.publicUrl.replace(/\/+$/, '')}/scim/v2/Users/${id}`;
  }

  /** The team's SCIM profile, read per request: an owner's switch applies to the very next request. */
  async profileOf(teamId: string): Promise<ScimProfile> {
    return teamScimProfile(await this.store.teams.get(teamId));
  }

  /**
   * POST /Users. Returns the new user's email-validation state known from the write itself (a
   * brand-new user can hold no earlier link), so the reply needs no query for it. One team read a
   * request. `note` receives what the provisioning log should say (ignored attributes, custom
   * extensions, adoption).
   */
  async createUserWithState(token: ScimToken, body: unknown, note?: WriteNote): Promise<{ user: User; emailState: EmailValidationState | undefined }> {
    const team = await this.store.teams.get(token.teamId);
    const profile = teamScimProfile(team);
    const parts = splitUserResource(parseUserInput(body, this.inputOptions(profile, note)), profile);
    if (parts.userName !== undefined) await this.deriveHandle(token.teamId, parts, null);
    const invite = await this.usesInvitations(token);
    // Email/password team: pending with the externalId as sign-in email, whatever `active` says.
    const fields = invite && parts.externalId !== null ? this.invitations!.pendingUserFields(parts.externalId) : {};
    const newUser: NewUser = { ...newScimUser(token, parts), ...fields };
    const audit = [this.entry(token, 'user.created', newUser.id, { userName: parts.userName ?? newUser.handle, ...(parts.userName !== undefined ? { handle: newUser.handle } : {}), externalId: newUser.externalId })];
    if (newUser.status === 'suspended') audit.push(this.entry(token, 'user.suspended', newUser.id, {}));
    const adoption: { user: User | null } = { user: null };
    const user = await this.write(parts, { teamId: token.teamId, idpId: token.idpId, userId: newUser.id }, async () => {
      try {
        return await this.store.users.create(newUser, audit);
      } catch (error) {
        // Adoption, never twins: the directory POSTs a person who already signed up through SSO
        // (linked by externalId: strict rules). The store's subject rule refuses the insert exactly
        // when someone holds that subject, so the common case pays no lookup before it.
        if (error instanceof UniqueConstraintError && error.field === 'subject' && parts.userName === undefined && parts.externalId !== null) {
          const adoptable = await findAdoptable(this.store, token.teamId, parts.externalId, token.idpId);
          if (adoptable) {
            adoption.user = (await this.writeCurrent(token, 'user.replaced', adoptable.id, undefined, () => parts, false, note)).after;
            return adoption.user;
          }
        }
        // Directory profile: another request took the derived handle in between; derive the next one.
        if (!(error instanceof UniqueConstraintError && error.field === 'handle' && parts.userName !== undefined)) throw error;
        newUser.handle = await uniqueHandle(this.store, `${handleBase(parts.userName)}-${newUser.id.slice(-6)}`);
        return this.store.users.create(newUser, audit);
      }
    });
    if (adoption.user) return { user, emailState: (await this.emailStates(token.teamId, [user])).get(user.id) };
    if (invite) await this.invitations!.inviteProvisionedUser(user, scimActor(token));
    const link = await this.emailValidation?.onProvisioned(user, scimActor(token), team);
    return { user, emailState: link ? { email: link.email, validated: false } : this.emailValidation?.knownStateOf(user) };
  }

  /**
   * A user the directory may own (directoryMayOwn); a password-only owner or admin answers exactly
   * like an unknown id, so a token cannot even learn that the account exists.
   */
  async getUser(teamId: string, id: string): Promise<User> {
    const user = await this.store.users.get(teamId, id);
    if (!user || !directoryMayOwn(user)) throw userNotFound(id);
    return user;
  }

  async listUsers(teamId: string, request: ListRequest): Promise<Page<User>> {
    const filter = request.filter !== undefined ? parseFilter(request.filter) : undefined;
    const groupId = filter && groupOfUserFilter(filter);
    if (groupId !== undefined) return this.usersInGroup(teamId, groupId, request);
    const sortBy = request.sortBy !== undefined ? userSortKey(request.sortBy) : undefined;
    const found = filter && (await this.findByUniqueKey(teamId, filter, () => this.profileOf(teamId)));
    const unique = found && !directoryMayOwn(found) ? null : found;
    if (unique !== undefined) {
      const items = unique && request.startIndex === 1 && request.count > 0 ? [unique] : [];
      return { total: unique ? 1 : 0, items };
    }
    const query: UserQuery = {
      scope: 'directory',
      startIndex: request.startIndex,
      count: request.count,
      sortOrder: request.sortOrder,
      ...(filter !== undefined ? { filter } : {}),
      ...(sortBy !== undefined ? { sortBy } : {}),
    };
    try {
      return await this.store.users.list(teamId, query);
    } catch (error) {
      if (error instanceof UnmappableAttributeError) throw scimBadRequest('invalidFilter', `${error.message}; filter on userName, externalId, displayName, emails, active, meta.created, meta.lastModified or another stored attribute`);
      throw error;
    }
  }

  /** `groups.value eq "<id>"`: the group's members from the membership index, paged in member order. */
  private async usersInGroup(teamId: string, groupId: string, request: ListRequest): Promise<Page<User>> {
    const members = (await this.store.groups.get(teamId, groupId)) ? await this.store.groups.listMembers(teamId, groupId, 'directory') : [];
    const start = Math.max(request.startIndex, 1) - 1;
    const window = members.slice(start, start + Math.max(request.count, 0));
    const users = await Promise.all(window.map((m) => this.store.users.get(teamId, m.id)));
    return { total: members.length, items: users.filter((u): u is User => u !== null) };
  }

  /**
   * The lookups IdPs send before every write — `userName eq "…"`, `externalId eq "…"` — through the
   * store's unique-key reads (prepared statements, no count query). Undefined for any other filter.
   */
  private async findByUniqueKey(teamId: string, filter: FilterNode, profile: () => Promise<ScimProfile>): Promise<User | null | undefined> {
    if (filter.kind !== 'compare' || filter.op !== 'eq' || typeof filter.value !== 'string' || filter.path.sub !== undefined) return undefined;
    if (filter.path.attr === 'userName' && !filter.caseExact) {
      // A strict user's userName is its handle (instance-wide, case-insensitive); a directory user's is its own column.
      const user = await this.store.users.findByHandle(filter.value);
      if (user && user.teamId === teamId && user.userName == null) return user;
      return this.store.users.findByUserName(teamId, filter.value);
    }
    // Only strict teams: a directory user's externalId may repeat, so the filter can match several.
    if (filter.path.attr === 'externalId' && filter.caseExact && (await profile()) === 'strict') return this.store.users.findByExternalId(teamId, filter.value);
    return undefined;
  }

  /** PUT: the body is the whole user; attributes it omits are cleared. */
  async replaceUser(token: ScimToken, id: string, body: unknown, ifMatch?: string, note?: WriteNote): Promise<User> {
    const profile = await this.profileOf(token.teamId);
    const parts = splitUserResource(parseUserInput(body, this.inputOptions(profile, note)), profile);
    const invite = await this.usesInvitations(token);
    const { before, after } = await this.writeCurrent(token, 'user.replaced', id, ifMatch, () => parts, invite, note);
    if (invite) await this.invitations!.onExternalIdChanged(before, after, scimActor(token));
    await this.emailValidation?.onIdentifierChanged(before, after, scimActor(token));
    return after;
  }

  /** PATCH: operations apply atomically to the current resource; any failure leaves the user as it was. */
  async patchUser(token: ScimToken, id: string, body: unknown, ifMatch?: string, note?: WriteNote): Promise<User> {
    // The team's profile decides only a PATCH that changes userName (patchProfile); one that never
    // names it (a suspension, a title) is read with the user's own rules and skips the team read.
    const profile = mayNameUserName(body) ? await this.profileOf(token.teamId) : null;
    const invite = await this.usesInvitations(token);
    const { before, after } = await this.writeCurrent(
      token,
      'user.patched',
      id,
      ifMatch,
      (current) => {
        const resource = this.toResource(current);
        const rules = profile === null ? ownProfile(current) : patchProfile(current, profile, resource, body);
        return splitUserResource(applyUserPatch(resource, body, this.inputOptions(rules)), rules);
      },
      invite,
      note,
    );
    if (invite) await this.invitations!.onExternalIdChanged(before, after, scimActor(token));
    await this.emailValidation?.onIdentifierChanged(before, after, scimActor(token));
    return after;
  }

  async deleteUser(token: ScimToken, id: string, ifMatch?: string): Promise<void> {
    const current = await this.getUser(token.teamId, id);
    checkIfMatch(ifMatch, userETag(current));
    refuseOwnerRemoval(current, 'deleted');
    const audit = [this.entry(token, 'user.deleted', id, { userName: current.handle, externalId: current.externalId })];
    if (!(await this.store.users.delete(token.teamId, id, audit))) throw userNotFound(id);
    await this.invitations?.onUserDeleted(current, scimActor(token));
  }

  /** True when this token provisions an email/password team (no SAML IdP, token not bound to one). */
  private async usesInvitations(token: ScimToken): Promise<boolean> {
    return this.invitations ? this.invitations.teamUsesInvitations(token.teamId, token) : false;
  }

  private inputOptions(profile: ScimProfile, note?: WriteNote) {
    return { richInfoLimit: this.config.richInfoLimit, profile, ...(note ? { note } : {}) };
  }

  /**
   * Directory profile: refuses a userName another user of this team has (ignoring A–Z case; never
   * looks at other teams), then sets the public handle: kept while the userName's handle base is
   * unchanged, else derived afresh and made unique on the instance.
   */
  private async deriveHandle(teamId: string, parts: StoredUserParts, current: User | null): Promise<void> {
    const userName = parts.userName!;
    const taken = await this.store.users.findByUserName(teamId, userName);
    // A strict user kept from before the switch answers to its handle as userName.
    const legacy = taken ? null : await this.store.users.findByHandle(userName);
    const other = taken ?? (legacy && legacy.teamId === teamId && legacy.userName == null ? legacy : null);
    if (other && other.id !== current?.id) throw directoryMayOwn(other) ? userNameTaken(userName) : heldOutsideDirectory('userName', userName, other);
    const base = handleBase(userName);
    parts.handle = current && handleBase(current.userName ?? current.handle) === base ? current.handle : await uniqueHandle(this.store, base);
  }

  /**
   * Read → check If-Match → compute → write with the read version. A concurrent write in between
   * is a 412 when the client sent If-Match; without it the client meant "whatever is current", so
   * the change is recomputed on the fresh user.
   */
  private async writeCurrent(
    token: ScimToken,
    action: 'user.patched' | 'user.replaced',
    id: string,
    ifMatch: string | undefined,
    compute: (current: User) => StoredUserParts,
    emailFromExternalId = false,
    note?: WriteNote,
  ): Promise<{ before: User; after: User }> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.getUser(token.teamId, id);
      checkIfMatch(ifMatch, userETag(current));
      const parts = compute(current);
      if (parts.userName !== undefined) await this.deriveHandle(token.teamId, parts, current);
      const next: User = {
        ...current,
        handle: parts.handle,
        userName: parts.userName ?? null,
        displayName: parts.displayName,
        externalId: parts.externalId,
        // The SAML subject: a directory userName (same ignoring case: binding kept, else bound again at the
        // next login); for strict users externalId, kept bound when it is the NameID the user signs in with.
        nameId: parts.userName !== undefined || current.userName != null ? (sameSubject(current, parts) ? current.nameId : null) : nameIdAfterExternalIdChange(current, parts.externalId),
        // A directory that gives a just-in-time user an externalId takes it over (adoption).
        managedBy: current.managedBy === 'sso' && parts.externalId !== null ? 'scim' : current.managedBy,
        // A token bound to an IdP reserves the directory's users it writes that no IdP holds yet (several
        // IdPs: no first-come claims). Never password accounts: a purge of that IdP would delete them.
        idpId: current.idpId ?? (current.managedBy !== 'manual' ? token.idpId : null),
        status: nextStatus(current.status, parts.active),
        scim: parts.scim,
      };
      if (next.status === 'suspended' && current.status !== 'suspended') refuseOwnerRemoval(current, 'suspended');
      // SSO user: a validated sign-in email does not outlive the identifier it validated.
      next.email = loginEmailAfterWrite(current, next);
      // Email/password team: the sign-in email follows externalId (a pending user is re-invited there).
      if (emailFromExternalId && parts.externalId !== null && parts.externalId !== current.externalId) {
        next.email = this.invitations!.pendingUserFields(parts.externalId).email;
      }
      try {
        const audit = [this.entry(token, action, id, {}), ...this.statusChangeEntries(token, id, current.status, next.status), ...this.bindingEntries(token, current, next)];
        if (current.email !== null && next.email === null) audit.push(this.entry(token, 'user.email_unvalidated', id, { email: current.email, reason: 'identifier-changed' }));
        const after = await this.write(parts, { teamId: token.teamId, idpId: current.idpId, userId: id }, () => this.store.users.update(next, current.version, audit));
        if (!after) throw userNotFound(id);
        const described = describeBindingChange(current, after);
        if (described) note?.(described);
        return { before: current, after };
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
        if (ifMatch !== undefined || attempt >= WRITE_ATTEMPTS) {
          throw new ScimError(412, 'The user was changed by another request while this one was applied; GET it again and retry.');
        }
      }
    }
  }

  /** Store uniqueness → RFC 7644 409 uniqueness naming the attribute and value (and, for the SAML subject, the user holding it). */
  private async write<T>(parts: StoredUserParts, scope: { teamId: string; idpId: string | null; userId: string }, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof UniqueConstraintError) {
        if (error.field === 'handle') {
          const holder = await this.store.users.findByHandle(parts.handle);
          if (holder && holder.teamId === scope.teamId && !directoryMayOwn(holder)) throw heldOutsideDirectory('userName', parts.handle, holder);
          throw new ScimError(409, `userName ${JSON.stringify(parts.handle)} is already taken on this server; choose another userName`, 'uniqueness');
        }
        if (error.field === 'userName') throw userNameTaken(parts.userName ?? parts.handle);
        if ((error.field === 'externalId' || error.field === 'subject') && parts.externalId !== null) {
          const holder = await findSubjectHolder(this.store, scope.teamId, parts.externalId, scope.idpId, scope.userId);
          const who = holder ? `user ${holder.id} (${holder.handle})` : 'another user of this team';
          throw new ScimError(409, `externalId ${JSON.stringify(parts.externalId)} is already the SAML subject of ${who}: one person, one account; update that user instead`, 'uniqueness');
        }
        if (error.field === 'email') {
          const holder = parts.externalId !== null ? await this.store.users.findByEmail(parts.externalId) : null;
          if (holder && holder.teamId === scope.teamId && !directoryMayOwn(holder))
            throw new ScimError(409, `externalId ${JSON.stringify(parts.externalId)} is the sign-in email of an account outside the directory (a password account of this team's owner or admins, ${holder.id}); the directory cannot take it over unless an owner hands that account to the directory first`, 'uniqueness');
          throw new ScimError(409, `externalId ${JSON.stringify(parts.externalId)} is the sign-in email of another account on this server; each email address can sign in to one account only`, 'uniqueness');
        }
        throw new ScimError(409, `${error.field} is already used by another user`, 'uniqueness');
      }
      throw error;
    }
  }

  /** An audit entry of this token's write; the store commits it with the write itself. */
  private entry(token: ScimToken, action: string, userId: string, details: Record<string, unknown>): NewAuditEntry {
    return { teamId: token.teamId, actor: scimActor(token), action, targetType: 'user', targetId: userId, details };
  }

  /** Adoption of a just-in-time user and SAML binding changes, for the audit log. */
  private bindingEntries(token: ScimToken, before: User, after: User): NewAuditEntry[] {
    const entries: NewAuditEntry[] = [];
    if (before.managedBy === 'sso' && after.managedBy === 'scim')
      entries.push(this.entry(token, 'user.adopted', before.id, { externalId: after.externalId, idp: before.idpId, nameId: before.nameId, bindingKept: after.nameId !== null }));
    else if (before.nameId !== null && after.nameId === null)
      entries.push(this.entry(token, 'user.unbound', before.id, { idp: before.idpId, nameId: before.nameId, externalId: after.externalId }));
    return entries;
  }

  private statusChangeEntries(token: ScimToken, userId: string, before: UserStatus, after: UserStatus): NewAuditEntry[] {
    if (before === after) return [];
    if (after === 'suspended') return [this.entry(token, 'user.suspended', userId, {})];
    if (after === 'active') return [this.entry(token, 'user.reinstated', userId, {})];
    return [];
  }
}

/**
 * SCIM `active` → stored status. A pending user (invited, no password yet) stays pending either
 * way: only accepting the invitation activates it.
 */
/**
 * Owners sign in with a password and hold the team: a directory sync must never lock the team out
 * of its own management, so SCIM may not delete or suspend an owner (transfer ownership first).
 */
function refuseOwnerRemoval(user: User, what: 'deleted' | 'suspended'): void {
  if (user.role === 'owner')
    throw new ScimError(400, `User ${user.id} (${user.handle}) is a team owner and cannot be ${what} through SCIM; an owner changes ownership in Gatehouse first.`, 'mutability');
}

/** The profile a user was written under: a directory user has a userName of its own. */
function ownProfile(current: User): ScimProfile {
  return current.userName != null ? 'directory' : 'strict';
}

/**
 * Whether a PatchOp body could touch userName: attribute names match ignoring case (toLowerCase,
 * never a locale fold), so any path or value key that reaches userName contains "username" once
 * lower-cased. Conservative: a mention inside a value also counts.
 */
function mayNameUserName(body: unknown): boolean {
  return (JSON.stringify(body) ?? '').toLowerCase().includes('username');
}

/**
 * The rules a PATCH is read with: the user's own (the profile it was written under) unless the PATCH
 * changes userName, then the team's. So an unrelated PATCH (suspend, a new title) after a profile
 * switch never changes how that person signs in; PUT and POST always use the team's profile.
 */
function patchProfile(current: User, teamProfile: ScimProfile, resource: UserResource, body: unknown): ScimProfile {
  const own = ownProfile(current);
  if (own === teamProfile) return teamProfile;
  const patched = applyPatch(resource, body, USER_RESOURCE_TYPE);
  return patched['userName'] === resource.userName ? own : teamProfile;
}

/** A POST/PUT/PATCH colliding with a password-only account of the team (existing wording, kept). */
function heldOutsideDirectory(attribute: 'userName', value: string, holder: User): ScimError {
  return new ScimError(
    409,
    `${attribute} ${JSON.stringify(value)} belongs to an account outside the directory (a password account of this team's owner or admins, ${holder.id}); the directory cannot take it over — choose another ${attribute}, or an owner hands that account to the directory first`,
    'uniqueness',
  );
}

function userNameTaken(userName: string): ScimError {
  return new ScimError(409, `userName ${JSON.stringify(userName)} is already used by another user of this team (userNames are compared ignoring the case of A–Z); choose another userName or update that user`, 'uniqueness');
}

/** True when the write keeps the user's SAML subject (see src/scim/profile.ts). */
function sameSubject(current: User, parts: StoredUserParts): boolean {
  if (current.userName != null || parts.userName !== undefined) {
    return current.userName != null && parts.userName !== undefined && foldUserName(current.userName) === foldUserName(parts.userName);
  }
  return current.externalId === parts.externalId;
}

export function nextStatus(current: UserStatus, active: boolean): UserStatus {
  if (current === 'pending') return 'pending';
  return active ? 'active' : 'suspended';
}

/** One line for the provisioning log when a write changed how the user signs in. */
function describeBindingChange(before: User, after: User): string | null {
  if (before.managedBy === 'sso' && after.managedBy === 'scim')
    return `adopted SSO user ${after.id} (${after.handle})${after.nameId !== null ? ` keeping its sign-in as NameID ${JSON.stringify(after.nameId)}` : '; bound again at next sign-in'}`;
  if (before.nameId !== null && after.nameId === null) return `SAML binding cleared (new externalId); bound again at next sign-in`;
  return null;
}

function newScimUser(token: ScimToken, parts: StoredUserParts): NewUser {
  return {
    // Time-ordered (UUIDv7-shaped): new rows append to the primary-key B-tree instead of splitting random pages.
    id: timeOrderedId(),
    teamId: token.teamId,
    handle: parts.handle,
    userName: parts.userName ?? null,
    // The login email is only for password teams (set by the invitation flow); SAML users sign in by NameID.
    email: null,
    displayName: parts.displayName,
    role: 'member',
    status: parts.active ? 'active' : 'suspended',
    managedBy: 'scim',
    externalId: parts.externalId,
    passwordHash: null,
    // A token bound to an IdP reserves its users for that IdP; the NameID is bound at first login.
    idpId: token.idpId,
    nameId: null,
    scim: parts.scim,
  };
}

/** sortBy text → the store's path string, refused up front if the store cannot sort by it. */
function userSortKey(text: string): string {
  const path = parseSortBy(text);
  const key = path.sub === undefined ? path.attr : `${path.attr}.${path.sub}`;
  try {
    const attribute = resolveUserAttribute(parseAttributePath(key));
    if (attribute.kind === 'emails' && attribute.field !== 'value') throw new UnmappableAttributeError(key);
  } catch (error) {
    if (error instanceof UnmappableAttributeError) throw scimBadRequest('invalidValue', `sortBy: cannot sort users by ${key}`);
    throw error;
  }
  return key;
}
