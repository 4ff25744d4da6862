/**
 * SCIM Groups: validated input (group-input / group-member-plan) → store port → results the routes
 * render. Every write is one store call (one transaction); this layer adds the checks that need the
 * team (role groups under group-managed roles, If-Match) and writes the audit trail.
 */
import { randomUUID } from 'node:crypto';
import { checkGroupFilter, resolveGroupSort, UnmappableGroupAttributeError } from '../store/group-attributes';
import {
  UniqueConstraintError,
  UnknownMembersError,
  VersionConflictError,
  type AuditActor,
  type Group,
  type GroupAudit,
  type GroupMember,
  type GroupMemberDetail,
  type GroupOfUser,
  type MemberPlan,
  type MembershipResult,
  type NewAuditEntry,
  type Page,
  type Store,
} from '../store/port';
import type { FilterNode } from '../store/query';
import { ScimError, scimBadRequest } from './errors';
import { parseFilter, parseSortBy } from './filter';
import { parseGroupInput } from './group-input';
import { planGroupMemberPatch } from './group-member-plan';
import { checkIfMatch } from './etag';
import type { ListRequest } from './list-request';
import { formatVersion } from './user-input';
import { GROUP_RESOURCE_TYPE } from './resource-types';
import { isUuid } from '../saml/uuid';

/** Tries of a write without If-Match that keeps losing the version race (see applyPlan). */
export const GROUP_WRITE_ATTEMPTS = 10;
/** How many member ids an audit entry lists; the counts are always complete. */
const AUDIT_ID_SAMPLE = 50;

export interface GroupWithMembers {
  group: Group;
  /** Absent when the caller asked not to load them (excludedAttributes=members). */
  members?: GroupMember[];
}

/** RFC 7644 list parameters, parsed as for /Users (list-request.ts); members loaded only when asked for. */
export type GroupListParams = ListRequest & { withMembers: boolean };

export const scimNotFound = (id: string) => new ScimError(404, `Group ${id} not found`);

export class GroupService {
  /** Audit entries are written by the store inside each write's transaction (GroupAudit). */
  constructor(private readonly store: Store) {}

  async create(teamId: string, body: unknown, actor: AuditActor): Promise<GroupWithMembers> {
    const input = parseGroupInput(body);
    const memberIds = input.members.map((m) => m.value);
    const audit: GroupAudit = (result) => [
      { teamId, actor, action: 'group.created', targetType: 'group', targetId: result.group.id, details: { displayName: input.displayName, externalId: input.externalId ?? null, members: result.added.length } },
      ...membershipEntries(teamId, actor, result),
    ];
    const result = await this.write(() =>
      this.store.groups.create({ id: randomUUID(), teamId, displayName: input.displayName, externalId: input.externalId ?? null, roleGranted: null }, memberIds, audit),
    );
    return { group: result.group, members: await this.store.groups.listMembers(teamId, result.group.id, 'directory') };
  }

  async get(teamId: string, id: string, withMembers: boolean): Promise<GroupWithMembers> {
    const group = await this.store.groups.get(teamId, id);
    if (!group) throw scimNotFound(id);
    return withMembers ? { group, members: await this.store.groups.listMembers(teamId, id, 'directory') } : { group };
  }

  async list(teamId: string, params: GroupListParams): Promise<Page<GroupWithMembers> & { startIndex: number }> {
    const { startIndex, count } = params;
    const query: Parameters<Store['groups']['list']>[1] = { startIndex, count, sortOrder: params.sortOrder };
    try {
      if (params.filter !== undefined && params.filter.trim() !== '') {
        query.filter = parseFilter(params.filter, GROUP_RESOURCE_TYPE);
        checkGroupFilter(query.filter);
      }
      if (params.sortBy !== undefined && params.sortBy.trim() !== '') {
        const path = parseSortBy(params.sortBy, GROUP_RESOURCE_TYPE);
        query.sortBy = path.sub ? `${path.attr}.${path.sub}` : path.attr;
        resolveGroupSort(query.sortBy);
      }
    } catch (e) {
      if (e instanceof UnmappableGroupAttributeError) throw scimBadRequest(params.sortBy && e.path === query.sortBy ? 'invalidValue' : 'invalidFilter', `${e.message}; use displayName, externalId, id, members.value or meta.created/meta.lastModified`);
      throw e;
    }
    const page = await this.store.groups.list(teamId, query);
    if (!params.withMembers) return { ...page, startIndex, items: page.items.map((group) => ({ group })) };
    const members = await this.store.groups.listMembersOfGroups(teamId, page.items.map((g) => g.id), 'directory');
    return { ...page, startIndex, items: page.items.map((group) => ({ group, members: members.get(group.id) ?? [] })) };
  }

  /** PUT: the body is the whole group; its member list replaces the current one. */
  async replace(teamId: string, id: string, body: unknown, ifMatch: string | undefined, actor: AuditActor): Promise<GroupWithMembers> {
    const input = parseGroupInput(body);
    const plan: MemberPlan = { displayName: input.displayName, externalId: input.externalId ?? null, add: [], remove: [], removeAll: false, replace: input.members.map((m) => m.value) };
    const result = await this.applyPlan(teamId, id, plan, ifMatch, actor);
    return { group: result.group, members: await this.store.groups.listMembers(teamId, id, 'directory') };
  }

  /** PATCH: folded into one membership plan (see group-member-plan.ts), applied in one transaction. */
  async patch(teamId: string, id: string, body: unknown, ifMatch: string | undefined, actor: AuditActor): Promise<MembershipResult> {
    return this.applyPlan(teamId, id, planGroupMemberPatch(body, { groupId: id }), ifMatch, actor);
  }

  async delete(teamId: string, id: string, ifMatch: string | undefined, actor: AuditActor): Promise<void> {
    const current = await this.currentFor(teamId, id, ifMatch);
    if (current.roleGranted !== null && (await this.roleGroupsActive(teamId))) {
      throw scimBadRequest('mutability', `"${current.displayName}" is the role group that grants the ${current.roleGranted} role while group-managed roles are on; it cannot be deleted through SCIM (an owner can turn group-managed roles off with PUT /team/settings)`);
    }
    const result = await this.store.groups.delete(teamId, id, (deleted) => [
      { teamId, actor, action: 'group.deleted', targetType: 'group', targetId: id, details: { displayName: current.displayName, members: deleted.removed.length } },
      ...roleEntries(teamId, actor, deleted),
    ]);
    if (!result) throw scimNotFound(id);
  }

  /** Team → Groups page: displayName contains `q` (any case), by name, with each group's member count. */
  async browse(teamId: string, q: string, startIndex: number, count: number): Promise<Page<Group> & { memberCounts: Map<string, number> }> {
    const filter: FilterNode | undefined = q ? { kind: 'compare', path: { attr: 'displayName' }, op: 'co', value: q, caseExact: false } : undefined;
    const page = await this.store.groups.list(teamId, { filter, sortBy: 'displayName', sortOrder: 'ascending', startIndex, count });
    const members = await this.store.groups.listMembersOfGroups(teamId, page.items.map((g) => g.id));
    return { ...page, memberCounts: new Map(page.items.map((g) => [g.id, members.get(g.id)?.length ?? 0])) };
  }

  /** The team's group, or null (also for an id that is not a UUID). */
  async find(teamId: string, id: string): Promise<Group | null> {
    return isUuid(id) ? this.store.groups.get(teamId, id) : null;
  }

  /** One page of a group's members for the admin page, with each member's handle, role and status. */
  async memberPage(teamId: string, groupId: string, startIndex: number, count: number): Promise<{ total: number; members: GroupMemberDetail[] }> {
    const page = await this.store.groups.listMembersPage(teamId, groupId, startIndex, count);
    return { total: page.total, members: page.items };
  }

  async groupsOfUser(teamId: string, userId: string): Promise<GroupOfUser[]> {
    return this.store.groups.groupsOfUser(teamId, userId);
  }

  /**
   * Read → checks → write pinned to the read version. A concurrent write in between (another instance,
   * or another request in this one while the write waits for its commit) is a 412 when the client sent
   * If-Match; without it the client meant "whatever is current": the plan is applied again on a fresh
   * read, a bounded number of times (IdPs push member adds to one group in parallel, so groups see far
   * more contention than users).
   */
  private async applyPlan(teamId: string, id: string, plan: MemberPlan, ifMatch: string | undefined, actor: AuditActor): Promise<MembershipResult> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.currentFor(teamId, id, ifMatch);
      if (plan.displayName !== undefined && plan.displayName !== current.displayName && current.roleGranted !== null && (await this.roleGroupsActive(teamId))) {
        throw scimBadRequest('mutability', `"${current.displayName}" is the role group that grants the ${current.roleGranted} role while group-managed roles are on; its displayName cannot be changed (members can)`);
      }
      // Built from the write's result and committed in its transaction (by the store).
      const audit: GroupAudit = (written) => {
        const renamed = written.group.displayName !== current.displayName || written.group.externalId !== current.externalId;
        const updated: NewAuditEntry[] = renamed
          ? [{ teamId, actor, action: 'group.updated', targetType: 'group', targetId: id, details: { from: { displayName: current.displayName, externalId: current.externalId }, to: { displayName: written.group.displayName, externalId: written.group.externalId } } }]
          : [];
        return [...updated, ...membershipEntries(teamId, actor, written)];
      };
      let result: MembershipResult | null;
      try {
        result = await this.store.groups.applyMemberPlan(teamId, id, plan, current.version, audit);
      } catch (e) {
        if (!(e instanceof VersionConflictError) || ifMatch !== undefined) throw storeErrorToScim(e);
        if (attempt >= GROUP_WRITE_ATTEMPTS) throw new ScimError(412, `the group kept changing under this request (${attempt} tries); read it again and retry`);
        await backOff(attempt);
        continue;
      }
      if (!result) throw scimNotFound(id);
      return result;
    }
  }

  private async currentFor(teamId: string, id: string, ifMatch: string | undefined): Promise<Group> {
    const current = await this.store.groups.get(teamId, id);
    if (!current) throw scimNotFound(id);
    checkIfMatch(ifMatch, formatVersion(current.version), preconditionFailed);
    return current;
  }

  private async roleGroupsActive(teamId: string): Promise<boolean> {
    return (await this.store.teams.get(teamId))?.groupManagedRoles === true;
  }

  /** Store errors that are the client's mistake → SCIM errors. */
  private async write<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (e) {
      throw storeErrorToScim(e);
    }
  }
}

/** Who joined and left (ids sampled, counts complete), then the roles that changed with it. */
function membershipEntries(teamId: string, actor: AuditActor, result: MembershipResult): NewAuditEntry[] {
  const entries: NewAuditEntry[] = [];
  if (result.added.length || result.removed.length) {
    entries.push({
      teamId,
      actor,
      action: 'group.members.changed',
      targetType: 'group',
      targetId: result.group.id,
      details: {
        displayName: result.group.displayName,
        added: result.added.length,
        removed: result.removed.length,
        addedIds: result.added.slice(0, AUDIT_ID_SAMPLE),
        removedIds: result.removed.slice(0, AUDIT_ID_SAMPLE),
      },
    });
  }
  return [...entries, ...roleEntries(teamId, actor, result)];
}

function roleEntries(teamId: string, actor: AuditActor, result: MembershipResult): NewAuditEntry[] {
  return result.roleChanges.map((change) => ({ teamId, actor, action: 'user.role.changed', targetType: 'user', targetId: change.userId, details: { from: change.from, to: change.to, via: 'group', groupId: result.group.id, group: result.group.displayName } }));
}

function storeErrorToScim(e: unknown): unknown {
  if (e instanceof UnknownMembersError) return unknownMembers(e.ids);
  if (e instanceof UniqueConstraintError) {
    if (e.field === 'displayName') return new ScimError(409, 'another group of this team already has this displayName (names are compared ignoring case)', 'uniqueness');
    if (e.field === 'externalId') return new ScimError(409, 'another group of this team already has this externalId', 'uniqueness');
  }
  if (e instanceof VersionConflictError) return preconditionFailed();
  return e;
}

export function unknownMembers(ids: string[]): ScimError {
  const shown = ids.slice(0, 20).map((id) => JSON.stringify(id)).join(', ');
  const more = ids.length > 20 ? ` and ${ids.length - 20} more` : '';
  return scimBadRequest('invalidValue', `members: no user of this team has the id ${shown}${more}; nothing was changed (add the users first, or leave these ids out)`);
}

export const preconditionFailed = () => new ScimError(412, 'the group changed since you read it (If-Match does not match its current version); read it again and retry');


/** A random pause that grows with the attempt, so racing writers stop meeting at the same instant. */
function backOff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(50, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
