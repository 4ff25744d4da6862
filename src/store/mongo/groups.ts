import { randomUUID } from 'node:crypto';
import type { ClientSession, Connection } from 'mongoose';
import {
  UniqueConstraintError,
  UnknownMembersError,
  VersionConflictError,
  type Group,
  type GroupAudit,
  type GroupMember,
  type GroupMemberDetail,
  type GroupOfUser,
  type GroupQuery,
  type GroupRepo,
  type MemberPlan,
  type MembershipResult,
  type NewGroup,
  type Page,
  type Role,
  type RoleChange,
  type UserScope,
  DIRECTORY_MANAGED_BY,
} from '../port';
import { foldCase } from '../case-fold';
import { pageWindow } from '../paging';
import type { MongoAuditRepo } from './audit';
import { isoNow } from '../time';
import type { GroupDoc, GroupMemberDoc, UserDoc } from './documents';
import { duplicateKeyFields, isDuplicateKey } from './errors';
import { groupFilterStages, groupSort } from './group-list-pipeline';
import type { Models } from './models';

/** The port's 'directory' scope as a users filter. */
const DIRECTORY_USER = { managedBy: { $in: [...DIRECTORY_MANAGED_BY] } };

const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1 };

function docToGroup(doc: GroupDoc): Group {
  return {
    id: doc._id,
    teamId: doc.teamId,
    displayName: doc.displayName,
    externalId: doc.externalId,
    roleGranted: doc.roleGranted,
    version: doc.version,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

const memberKey = (groupId: string, userId: string) => `${groupId}/${userId}`;

/** Maps a duplicate key on the group indexes to the port's logical field. */
export async function mapGroupUnique<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
    const fields = duplicateKeyFields(e);
    if (fields.includes('displayNameLower')) throw new UniqueConstraintError('displayName');
    if (fields.includes('externalId')) throw new UniqueConstraintError('externalId');
    throw new UniqueConstraintError(fields.join(',') || 'unknown');
  }
}

/** Groups and one document per membership, all multi-document writes in one transaction. */
export class MongoGroupRepo implements GroupRepo {
  constructor(
    private readonly connection: Connection,
    private readonly models: Models,
    private readonly audit: MongoAuditRepo,
  ) {}

  /** Inside the write's session: its audit entries commit with it. */
  private async audited<T extends MembershipResult | null>(result: T, audit: GroupAudit | undefined, session: ClientSession): Promise<T> {
    if (result && audit) for (const entry of audit(result)) await this.audit.insertIn(entry, session);
    return result;
  }

  async create(group: NewGroup, memberIds: string[], audit?: GroupAudit): Promise<MembershipResult> {
    return mapGroupUnique(() =>
      this.connection.transaction(async (session) => {
        await this.checkMembers(group.teamId, memberIds, session);
        const now = group.createdAt ?? isoNow();
        const doc: GroupDoc = { _id: group.id, teamId: group.teamId, displayName: group.displayName, displayNameLower: foldCase(group.displayName), externalId: group.externalId, roleGranted: group.roleGranted, version: 1, createdAt: now, updatedAt: now };
        // create (insertOne), not insertMany: a duplicate name must carry its keyPattern where mapGroupUnique reads it.
        await this.models.Group.create([doc], { session });
        const created = docToGroup(doc);
        const added = await this.insertMembers(created, memberIds, session);
        await this.touchUsers(group.teamId, added, session);
        return this.audited({ group: created, added, removed: [], roleChanges: await this.recomputeRoles(created, added, session) }, audit, session);
      }),
    );
  }

  async get(teamId: string, id: string): Promise<Group | null> {
    const doc = await this.models.Group.findOne({ _id: id, teamId }).lean<GroupDoc>();
    return doc ? docToGroup(doc) : null;
  }

  async list(teamId: string, query: GroupQuery): Promise<Page<Group>> {
    const selected = groupFilterStages(teamId, query.filter);
    const { offset, limit } = pageWindow(query.startIndex, query.count);
    // The driver, not mongoose: a compiled filter is already typed and must not be cast per schema path.
    const [counted] = await this.models.Group.collection.aggregate<{ total: number }>([...selected, { $count: 'total' }]).toArray();
    const total = counted?.total ?? 0;
    if (limit === 0 || offset >= total) return { total, items: [] };
    const docs = await this.models.Group.collection.aggregate<GroupDoc>([...selected, { $sort: groupSort(query) }, { $skip: offset }, { $limit: limit }]).toArray();
    return { total, items: docs.map(docToGroup) };
  }

  async applyMemberPlan(teamId: string, groupId: string, plan: MemberPlan, expectedVersion: number | null, audit?: GroupAudit): Promise<MembershipResult | null> {
    return mapGroupUnique(() =>
      this.connection.transaction(async (session) => {
        const current = await this.models.Group.findOne({ _id: groupId, teamId }).session(session).lean<GroupDoc>();
        if (!current) return null;
        if (expectedVersion !== null && current.version !== expectedVersion) throw new VersionConflictError();
        const joining = plan.replace ?? plan.add;
        await this.checkMembers(teamId, joining, session);
        const group = docToGroup(current);
        let added: string[];
        let removed: string[];
        if (plan.replace !== null || plan.removeAll) {
          // A password-only account's membership is not the directory's to end (port.ts GroupRepo).
          const before = await this.ownableIds(teamId, await this.memberIds(groupId, session), session);
          const keep = new Set(joining);
          removed = before.filter((id) => !keep.has(id));
          await this.models.GroupMember.deleteMany({ groupId, userId: { $in: removed } }, { session });
          added = await this.insertMembers(group, joining, session);
        } else {
          const members = (await this.models.GroupMember.find({ groupId, userId: { $in: plan.remove } }, { userId: 1 }).session(session).lean<GroupMemberDoc[]>()).map((d) => d.userId);
          const present = new Set(await this.ownableIds(teamId, members, session));
          removed = plan.remove.filter((id) => present.has(id));
          if (removed.length) await this.models.GroupMember.deleteMany({ groupId, userId: { $in: removed } }, { session });
          added = await this.insertMembers(group, plan.add, session);
        }
        const displayName = plan.displayName ?? current.displayName;
        // Renamed: every member shows the new name in its `groups`; else only who joined or left changed.
        const touched = displayName !== current.displayName ? [...(await this.memberIds(groupId, session)), ...removed] : [...added, ...removed];
        await this.touchUsers(teamId, touched, session);
        const externalId = plan.externalId === undefined ? current.externalId : plan.externalId;
        const doc = await this.models.Group.findOneAndUpdate(
          { _id: groupId, teamId },
          { $set: { displayName, displayNameLower: foldCase(displayName), externalId, updatedAt: isoNow() }, $inc: { version: 1 } },
          { session, returnDocument: 'after' },
        ).lean<GroupDoc>();
        const updated = docToGroup(doc!);
        return this.audited({ group: updated, added, removed, roleChanges: await this.recomputeRoles(updated, [...added, ...removed], session) }, audit, session);
      }),
    );
  }

  async delete(teamId: string, id: string, audit?: GroupAudit): Promise<MembershipResult | null> {
    return this.connection.transaction(async (session) => {
      const current = await this.models.Group.findOne({ _id: id, teamId }).session(session).lean<GroupDoc>();
      if (!current) return null;
      const removed = await this.memberIds(id, session);
      await this.models.GroupMember.deleteMany({ groupId: id }, { session });
      await this.touchUsers(teamId, removed, session);
      await this.models.Group.deleteOne({ _id: id }, { session });
      const group = docToGroup(current);
      return this.audited({ group, added: [], removed, roleChanges: await this.recomputeRoles(group, removed, session) }, audit, session);
    });
  }

  async listMembers(teamId: string, groupId: string, scope: UserScope = 'team'): Promise<GroupMember[]> {
    return (await this.listMembersOfGroups(teamId, [groupId], scope)).get(groupId) ?? [];
  }

  async listMembersPage(teamId: string, groupId: string, startIndex: number, count: number): Promise<Page<GroupMemberDetail>> {
    const { offset, limit } = pageWindow(startIndex, count);
    const total = await this.models.GroupMember.countDocuments({ teamId, groupId });
    if (limit === 0 || offset >= total) return { total, items: [] };
    // Through the (groupId, joinedAt, position) index: only this page's members and users are read.
    const rows = await this.models.GroupMember.find({ teamId, groupId }, { userId: 1 }).sort({ joinedAt: 1, position: 1 }).skip(offset).limit(limit).lean<GroupMemberDoc[]>();
    const users = await this.models.User.find({ teamId, _id: { $in: rows.map((r) => r.userId) } }, { displayName: 1, handle: 1, role: 1, status: 1 }).lean<UserDoc[]>();
    const byId = new Map(users.map((u) => [u._id, u]));
    const items = rows.flatMap((r) => {
      const u = byId.get(r.userId);
      return u ? [{ id: u._id, displayName: u.displayName, handle: u.handle, role: u.role, status: u.status }] : [];
    });
    return { total, items };
  }

  async listMembersOfGroups(teamId: string, groupIds: string[], scope: UserScope = 'team'): Promise<Map<string, GroupMember[]>> {
    const byGroup = new Map<string, GroupMember[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return byGroup;
    const rows = await this.models.GroupMember.find({ teamId, groupId: { $in: groupIds } }).sort({ groupId: 1, joinedAt: 1, position: 1 }).lean<GroupMemberDoc[]>();
    const names = await this.displayNames(teamId, [...new Set(rows.map((r) => r.userId))], scope);
    for (const r of rows) {
      const name = names.get(r.userId);
      // 'directory': a member missing from `names` is a password-only account, left out (as SQLite's join does).
      if (name !== undefined || scope === 'team') byGroup.get(r.groupId)?.push({ id: r.userId, displayName: name ?? '' });
    }
    return byGroup;
  }

  async groupsOfUser(teamId: string, userId: string): Promise<GroupOfUser[]> {
    const groupIds = (await this.models.GroupMember.find({ teamId, userId }, { groupId: 1 }).lean<GroupMemberDoc[]>()).map((d) => d.groupId);
    const groups = await this.models.Group.find({ teamId, _id: { $in: groupIds } }).sort({ displayNameLower: 1, _id: 1 }).lean<GroupDoc[]>();
    return groups.map((g) => ({ id: g._id, displayName: g.displayName }));
  }

  async roleGroups(teamId: string): Promise<Group[]> {
    const docs = await this.models.Group.find({ teamId, roleGranted: { $ne: null } }).sort({ createdAt: 1, _id: 1 }).lean<GroupDoc[]>();
    return docs.map(docToGroup).sort((a, b) => RANK[b.roleGranted!] - RANK[a.roleGranted!]);
  }

  async enableGroupManagedRoles(teamId: string, roleGroups: NewGroup[]): Promise<{ groups: Group[]; roleChanges: RoleChange[] }> {
    return mapGroupUnique(() =>
      this.connection.transaction(async (session) => {
        await this.models.Team.updateOne({ _id: teamId }, { $set: { groupManagedRoles: true } }, { session });
        const now = isoNow();
        const groups: Group[] = [];
        for (const wanted of roleGroups) {
          const marked = await this.models.Group.findOne({ teamId, roleGranted: wanted.roleGranted }).session(session).lean<GroupDoc>();
          if (marked) {
            groups.push(docToGroup(marked));
            continue;
          }
          const named = await this.models.Group.findOneAndUpdate(
            { teamId, displayNameLower: foldCase(wanted.displayName) },
            { $set: { roleGranted: wanted.roleGranted, updatedAt: now }, $inc: { version: 1 } },
            { session, returnDocument: 'after' },
          ).lean<GroupDoc>();
          if (named) {
            groups.push(docToGroup(named));
            continue;
          }
          const doc: GroupDoc = { _id: wanted.id || randomUUID(), teamId, displayName: wanted.displayName, displayNameLower: foldCase(wanted.displayName), externalId: wanted.externalId, roleGranted: wanted.roleGranted, version: 1, createdAt: now, updatedAt: now };
          await this.models.Group.create([doc], { session });
          groups.push(docToGroup(doc));
        }
        const adminGroup = groups.find((g) => g.roleGranted === 'admin');
        if (adminGroup) {
          const admins = (await this.models.User.find({ teamId, role: 'admin' }, { _id: 1 }).session(session).lean<UserDoc[]>()).map((u) => u._id);
          await this.touchUsers(teamId, await this.insertMembers(adminGroup, admins, session), session);
        }
        const roleGroupIds = (await this.models.Group.find({ teamId, roleGranted: { $ne: null } }, { _id: 1 }).session(session).lean<GroupDoc[]>()).map((g) => g._id);
        const everyone = await this.models.GroupMember.distinct('userId', { groupId: { $in: roleGroupIds } }).session(session);
        return { groups, roleChanges: await this.setRoles(teamId, everyone as string[], session) };
      }),
    );
  }

  /**
   * A user's SCIM representation lists its groups: joining, leaving, a group renamed or deleted is a new
   * version of the user (its ETag), in the same transaction, one updateMany for any member count.
   */
  private async touchUsers(teamId: string, userIds: string[], session: ClientSession): Promise<void> {
    if (userIds.length === 0) return;
    await this.models.User.updateMany({ teamId, _id: { $in: [...new Set(userIds)] } }, { $inc: { version: 1 }, $set: { updatedAt: isoNow() } }, { session });
  }

  private async memberIds(groupId: string, session: ClientSession): Promise<string[]> {
    return (await this.models.GroupMember.find({ groupId }, { userId: 1 }).session(session).lean<GroupMemberDoc[]>()).map((d) => d.userId);
  }

  private async displayNames(teamId: string, userIds: string[], scope: UserScope): Promise<Map<string, string>> {
    const users = await this.models.User.find({ teamId, _id: { $in: userIds }, ...(scope === 'directory' ? DIRECTORY_USER : {}) }, { displayName: 1 }).lean<UserDoc[]>();
    return new Map(users.map((u) => [u._id, u.displayName]));
  }

  /** The ids among `userIds` of users the directory may own. */
  private async ownableIds(teamId: string, userIds: string[], session: ClientSession): Promise<string[]> {
    if (userIds.length === 0) return [];
    const ownable = new Set((await this.models.User.find({ teamId, _id: { $in: userIds }, ...DIRECTORY_USER }, { _id: 1 }).session(session).lean<UserDoc[]>()).map((u) => u._id));
    return userIds.filter((id) => ownable.has(id));
  }

  /** Unknown ids, other teams' users and password-only accounts (port.ts GroupRepo) fail the whole write. */
  private async checkMembers(teamId: string, ids: string[], session: ClientSession): Promise<void> {
    if (ids.length === 0) return;
    const unique = [...new Set(ids)];
    const found = new Set((await this.models.User.find({ teamId, _id: { $in: unique }, ...DIRECTORY_USER }, { _id: 1 }).session(session).lean<UserDoc[]>()).map((u) => u._id));
    const unknown = unique.filter((id) => !found.has(id));
    if (unknown.length) throw new UnknownMembersError(unknown);
  }

  /** Inserts the memberships that do not exist yet; returns the user ids that joined. */
  private async insertMembers(group: Group, ids: string[], session: ClientSession): Promise<string[]> {
    if (ids.length === 0) return [];
    const unique = [...new Set(ids)];
    const existing = new Set(
      (await this.models.GroupMember.find({ groupId: group.id, userId: { $in: unique } }, { userId: 1 }).session(session).lean<GroupMemberDoc[]>()).map((d) => d.userId),
    );
    const joining = unique.filter((id) => !existing.has(id));
    const joinedAt = isoNow();
    if (joining.length) {
      await this.models.GroupMember.insertMany(
        joining.map((userId, position) => ({ _id: memberKey(group.id, userId), groupId: group.id, userId, teamId: group.teamId, joinedAt, position })),
        { session },
      );
    }
    return joining;
  }

  private async recomputeRoles(group: Group, userIds: string[], session: ClientSession): Promise<RoleChange[]> {
    if (group.roleGranted === null || userIds.length === 0) return [];
    const team = await this.models.Team.findById(group.teamId).session(session).lean<{ groupManagedRoles: boolean }>();
    if (!team?.groupManagedRoles) return [];
    return this.setRoles(group.teamId, userIds, session);
  }

  /** Same rule as SQLite: owners untouched; else the highest role granted by a group (at most admin), else member. */
  private async setRoles(teamId: string, userIds: string[], session: ClientSession): Promise<RoleChange[]> {
    if (userIds.length === 0) return [];
    // Nor password-only accounts: the directory cannot see them (port.ts GroupRepo).
    const users = await this.models.User.find({ teamId, _id: { $in: userIds }, role: { $ne: 'owner' }, ...DIRECTORY_USER }, { role: 1 }).session(session).lean<UserDoc[]>();
    const roleGroups = await this.models.Group.find({ teamId, roleGranted: { $ne: null } }).session(session).lean<GroupDoc[]>();
    const grant = new Map(roleGroups.map((g) => [g._id, g.roleGranted!]));
    const memberships = await this.models.GroupMember.find({ teamId, userId: { $in: users.map((u) => u._id) }, groupId: { $in: [...grant.keys()] } }).session(session).lean<GroupMemberDoc[]>();
    const best = new Map<string, number>();
    for (const m of memberships) best.set(m.userId, Math.max(best.get(m.userId) ?? 0, RANK[grant.get(m.groupId)!]));
    const changes: RoleChange[] = [];
    for (const u of users) {
      const to: Role = Math.min(best.get(u._id) ?? 1, 2) === 2 ? 'admin' : 'member';
      if (to !== u.role) changes.push({ userId: u._id, from: u.role, to });
    }
    // One round trip for all of them: a 5,000-member role group must not spend the transaction's time limit on updateOne calls.
    const now = isoNow();
    if (changes.length) {
      await this.models.User.bulkWrite(
        changes.map((c) => ({ updateOne: { filter: { _id: c.userId }, update: { $set: { role: c.to, updatedAt: now } } } })),
        { session, ordered: false },
      );
    }
    return changes;
  }
}
