import { randomUUID } from 'node:crypto';
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
  type UserStatus,
} from '../port';
import type { SqliteAuditRepo } from './audit';
import { pageWindow } from '../paging';
import { isoNow } from '../time';
import type { Db } from './database';
import { mapUniqueViolation } from './errors';
import { compileGroupFilter, compileGroupSort } from './groups-filter-sql';
import { q, type Sql, StatementCache } from './sql';

interface GroupRow {
  id: string;
  team_id: string;
  display_name: string;
  external_id: string | null;
  role_granted: Role | null;
  version: number;
  created_at: string;
  updated_at: string;
}

function rowToGroup(row: GroupRow): Group {
  return {
    id: row.id,
    teamId: row.team_id,
    displayName: row.display_name,
    externalId: row.external_id,
    roleGranted: row.role_granted,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** SQLite names the indexed columns in its message; the port speaks of logical fields. */
function groupUniqueField(e: unknown): unknown {
  if (!(e instanceof UniqueConstraintError)) return e;
  if (e.field === 'groups.team_id, groups.display_name') return new UniqueConstraintError('displayName');
  if (e.field === 'groups.team_id, groups.external_id') return new UniqueConstraintError('externalId');
  return e;
}

function mapGroupUnique<T>(write: () => T): T {
  try {
    return mapUniqueViolation(write);
  } catch (e) {
    throw groupUniqueField(e);
  }
}

/** The port's 'directory' scope (DIRECTORY_MANAGED_BY) on a users row `u`. */
const DIRECTORY_USER = `u.managed_by <> 'manual'`;
/** A group_members row whose user the directory may own. */
const MEMBER_OWNABLE = `EXISTS (SELECT 1 FROM users u WHERE u.id = group_members.user_id AND ${DIRECTORY_USER})`;

/** Role rank: a user in two role groups gets the higher role. */
const RANK_SQL = `MAX(CASE g.role_granted WHEN 'owner' THEN 3 WHEN 'admin' THEN 2 WHEN 'member' THEN 1 ELSE 0 END)`;
const ROLE_BY_RANK: Record<number, Role> = { 3: 'owner', 2: 'admin', 1: 'member', 0: 'member' };

/**
 * Groups and memberships. Member id lists travel as one JSON parameter expanded by json_each, so
 * checking, inserting or deleting 5,000 members is one statement each, not 5,000 round trips.
 */
export class SqliteGroupRepo implements GroupRepo {
  private readonly s;
  private readonly prepared: StatementCache;
  private readonly createTx;
  private readonly applyTx;
  private readonly deleteTx;
  private readonly enableTx;

  constructor(
    private readonly db: Db,
    private readonly audit: SqliteAuditRepo,
  ) {
    this.prepared = new StatementCache(db);
    this.s = {
      insert: db.prepare(`INSERT INTO groups (id, team_id, display_name, external_id, role_granted, version, created_at, updated_at)
        VALUES (@id, @team_id, @display_name, @external_id, @role_granted, 1, @created_at, @created_at) RETURNING *`),
      get: db.prepare('SELECT * FROM groups WHERE id = ? AND team_id = ?'),
      update: db.prepare(`UPDATE groups SET display_name = @display_name, external_id = @external_id, version = version + 1, updated_at = @updated_at
        WHERE id = @id AND team_id = @team_id RETURNING *`),
      setRole: db.prepare('UPDATE groups SET role_granted = ?, version = version + 1, updated_at = ? WHERE id = ? RETURNING *'),
      byRole: db.prepare('SELECT * FROM groups WHERE team_id = ? AND role_granted = ?'),
      roleGroups: db.prepare(`SELECT * FROM groups WHERE team_id = ? AND role_granted IS NOT NULL
        ORDER BY CASE role_granted WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, created_at, id`),
      byName: db.prepare('SELECT * FROM groups WHERE team_id = ? AND display_name = ? COLLATE NOCASE'),
      deleteGroup: db.prepare('DELETE FROM groups WHERE id = ?'),
      // A password-only account is no member the directory can name (port.ts GroupRepo): unknown, like another team's id.
      unknownUsers: db.prepare(`SELECT DISTINCT j.value FROM json_each(?) j WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = j.value AND u.team_id = ? AND ${DIRECTORY_USER})`).pluck(),
      insertMembers: db.prepare('INSERT OR IGNORE INTO group_members (group_id, user_id, team_id) SELECT ?, j.value, ? FROM json_each(?) j RETURNING user_id').pluck(),
      // Directory writes leave a password-only account's memberships alone (e.g. a password admin in the admin role group).
      deleteMembers: db.prepare(`DELETE FROM group_members WHERE group_id = ? AND user_id IN (SELECT j.value FROM json_each(?) j) AND ${MEMBER_OWNABLE} RETURNING user_id`).pluck(),
      deleteAllMembers: db.prepare('DELETE FROM group_members WHERE group_id = ? RETURNING user_id').pluck(),
      deleteOwnableMembers: db.prepare(`DELETE FROM group_members WHERE group_id = ? AND ${MEMBER_OWNABLE} RETURNING user_id`).pluck(),
      deleteMembersNotIn: db.prepare(`DELETE FROM group_members WHERE group_id = ? AND user_id NOT IN (SELECT j.value FROM json_each(?) j) AND ${MEMBER_OWNABLE} RETURNING user_id`).pluck(),
      members: db.prepare('SELECT u.id, u.display_name FROM group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = ? AND m.team_id = ? ORDER BY m.rowid'),
      directoryMembers: db.prepare(`SELECT u.id, u.display_name FROM group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = ? AND m.team_id = ? AND ${DIRECTORY_USER} ORDER BY m.rowid`),
      memberCount: db.prepare('SELECT count(*) FROM group_members WHERE group_id = ? AND team_id = ?').pluck(),
      memberPage: db.prepare(`SELECT u.id, u.display_name, u.handle, u.role, u.status FROM group_members m JOIN users u ON u.id = m.user_id
        WHERE m.group_id = ? AND m.team_id = ? ORDER BY m.rowid LIMIT ? OFFSET ?`),
      membersOf: db.prepare(`SELECT m.group_id, u.id, u.display_name FROM group_members m JOIN users u ON u.id = m.user_id
        WHERE m.team_id = ? AND m.group_id IN (SELECT j.value FROM json_each(?) j) ORDER BY m.rowid`),
      directoryMembersOf: db.prepare(`SELECT m.group_id, u.id, u.display_name FROM group_members m JOIN users u ON u.id = m.user_id
        WHERE m.team_id = ? AND m.group_id IN (SELECT j.value FROM json_each(?) j) AND ${DIRECTORY_USER} ORDER BY m.rowid`),
      groupsOfUser: db.prepare(`SELECT g.id, g.display_name FROM group_members m JOIN groups g ON g.id = m.group_id
        WHERE m.team_id = ? AND m.user_id = ? ORDER BY g.display_name COLLATE NOCASE, g.id`),
      teamFlag: db.prepare('SELECT group_managed_roles FROM teams WHERE id = ?').pluck(),
      setTeamFlag: db.prepare('UPDATE teams SET group_managed_roles = 1 WHERE id = ?'),
      adminIds: db.prepare(`SELECT id FROM users WHERE team_id = ? AND role = 'admin'`).pluck(),
      roleGroupMemberIds: db.prepare('SELECT DISTINCT m.user_id FROM group_members m JOIN groups g ON g.id = m.group_id WHERE g.team_id = ? AND g.role_granted IS NOT NULL').pluck(),
      // Owners are never demoted (or promoted) through groups: ownership is not SCIM's to change; nor are
      // password-only accounts' roles, which the directory cannot see (port.ts GroupRepo).
      currentRoles: db.prepare(`SELECT u.id, u.role, (SELECT ${RANK_SQL} FROM group_members m JOIN groups g ON g.id = m.group_id
          WHERE m.team_id = u.team_id AND m.user_id = u.id AND g.role_granted IS NOT NULL) AS rank
        FROM users u WHERE u.team_id = ? AND u.id IN (SELECT j.value FROM json_each(?) j) AND u.role <> 'owner' AND ${DIRECTORY_USER}`),
      setUserRole: db.prepare('UPDATE users SET role = ?, updated_at = ? WHERE id = ?'),
      // A user's SCIM representation lists its groups: joining, leaving, a group renamed or deleted is a
      // new version of the user (its ETag), in the same transaction, one statement for any member count.
      touchUsers: db.prepare('UPDATE users SET version = version + 1, updated_at = ? WHERE team_id = ? AND id IN (SELECT j.value FROM json_each(?) j)'),
      touchMembers: db.prepare('UPDATE users SET version = version + 1, updated_at = ? WHERE id IN (SELECT user_id FROM group_members WHERE group_id = ?)'),
    };
    this.createTx = db.transaction((group: NewGroup, memberIds: string[], audit?: GroupAudit) => this.audited(this.createNow(group, memberIds), audit));
    this.applyTx = db.transaction((teamId: string, groupId: string, plan: MemberPlan, expected: number | null, audit?: GroupAudit) => this.audited(this.applyNow(teamId, groupId, plan, expected), audit));
    this.deleteTx = db.transaction((teamId: string, id: string, audit?: GroupAudit) => this.audited(this.deleteNow(teamId, id), audit));
    this.enableTx = db.transaction((teamId: string, roleGroups: NewGroup[]) => this.enableNow(teamId, roleGroups));
  }

  async create(group: NewGroup, memberIds: string[], audit?: GroupAudit): Promise<MembershipResult> {
    return mapGroupUnique(() => this.createTx.immediate(group, memberIds, audit));
  }

  /** Inside the write's transaction: its audit entries go in with it. */
  private audited<T extends MembershipResult | null>(result: T, audit: GroupAudit | undefined): T {
    if (result && audit) for (const entry of audit(result)) this.audit.insertNow(entry);
    return result;
  }

  async get(teamId: string, id: string): Promise<Group | null> {
    const row = this.s.get.get(id, teamId) as GroupRow | undefined;
    return row ? rowToGroup(row) : null;
  }

  async list(teamId: string, query: GroupQuery): Promise<Page<Group>> {
    const where: Sql = query.filter ? q`g.team_id = ${teamId} AND (${compileGroupFilter(query.filter, teamId)})` : q`g.team_id = ${teamId}`;
    const { offset, limit } = pageWindow(query.startIndex, query.count);
    const count = q`SELECT count(*) FROM groups g WHERE ${where}`;
    const total = this.prepared.get(count.text).pluck().get(...count.params) as number;
    if (limit === 0 || offset >= total) return { total, items: [] };
    const page = q`SELECT g.* FROM groups g WHERE ${where} ${compileGroupSort(query)} LIMIT ${limit} OFFSET ${offset}`;
    return { total, items: (this.prepared.get(page.text).all(...page.params) as GroupRow[]).map(rowToGroup) };
  }

  async applyMemberPlan(teamId: string, groupId: string, plan: MemberPlan, expectedVersion: number | null, audit?: GroupAudit): Promise<MembershipResult | null> {
    return mapGroupUnique(() => this.applyTx.immediate(teamId, groupId, plan, expectedVersion, audit));
  }

  async delete(teamId: string, id: string, audit?: GroupAudit): Promise<MembershipResult | null> {
    return this.deleteTx.immediate(teamId, id, audit);
  }

  async listMembersPage(teamId: string, groupId: string, startIndex: number, count: number): Promise<Page<GroupMemberDetail>> {
    const { offset, limit } = pageWindow(startIndex, count);
    const total = this.s.memberCount.get(groupId, teamId) as number;
    if (limit === 0 || offset >= total) return { total, items: [] };
    const rows = this.s.memberPage.all(groupId, teamId, limit, offset) as Array<{ id: string; display_name: string; handle: string; role: Role; status: UserStatus }>;
    return { total, items: rows.map((r) => ({ id: r.id, displayName: r.display_name, handle: r.handle, role: r.role, status: r.status })) };
  }

  async listMembers(teamId: string, groupId: string, scope: UserScope = 'team'): Promise<GroupMember[]> {
    const statement = scope === 'directory' ? this.s.directoryMembers : this.s.members;
    return (statement.all(groupId, teamId) as Array<{ id: string; display_name: string }>).map((r) => ({ id: r.id, displayName: r.display_name }));
  }

  async listMembersOfGroups(teamId: string, groupIds: string[], scope: UserScope = 'team'): Promise<Map<string, GroupMember[]>> {
    const byGroup = new Map<string, GroupMember[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return byGroup;
    const statement = scope === 'directory' ? this.s.directoryMembersOf : this.s.membersOf;
    for (const r of statement.all(teamId, JSON.stringify(groupIds)) as Array<{ group_id: string; id: string; display_name: string }>) {
      byGroup.get(r.group_id)?.push({ id: r.id, displayName: r.display_name });
    }
    return byGroup;
  }

  async groupsOfUser(teamId: string, userId: string): Promise<GroupOfUser[]> {
    return (this.s.groupsOfUser.all(teamId, userId) as Array<{ id: string; display_name: string }>).map((r) => ({ id: r.id, displayName: r.display_name }));
  }

  async roleGroups(teamId: string): Promise<Group[]> {
    return (this.s.roleGroups.all(teamId) as GroupRow[]).map(rowToGroup);
  }

  async enableGroupManagedRoles(teamId: string, roleGroups: NewGroup[]): Promise<{ groups: Group[]; roleChanges: RoleChange[] }> {
    return mapGroupUnique(() => this.enableTx.immediate(teamId, roleGroups));
  }

  private createNow(group: NewGroup, memberIds: string[]): MembershipResult {
    this.checkMembers(group.teamId, memberIds);
    const row = this.s.insert.get({
      id: group.id,
      team_id: group.teamId,
      display_name: group.displayName,
      external_id: group.externalId,
      role_granted: group.roleGranted,
      created_at: group.createdAt ?? isoNow(),
    }) as GroupRow;
    const added = memberIds.length ? (this.s.insertMembers.all(row.id, row.team_id, JSON.stringify(memberIds)) as string[]) : [];
    this.touchUsers(row.team_id, added);
    const created = rowToGroup(row);
    return { group: created, added, removed: [], roleChanges: this.recomputeRoles(created, added) };
  }

  private applyNow(teamId: string, groupId: string, plan: MemberPlan, expected: number | null): MembershipResult | null {
    const current = this.s.get.get(groupId, teamId) as GroupRow | undefined;
    if (!current) return null;
    if (expected !== null && current.version !== expected) throw new VersionConflictError();
    const joining = plan.replace ?? plan.add;
    this.checkMembers(teamId, joining);

    let removed: string[];
    let added: string[];
    if (plan.replace !== null) {
      // Members that stay keep their rows (and their place in the member order).
      removed = this.s.deleteMembersNotIn.all(groupId, JSON.stringify(plan.replace)) as string[];
      added = plan.replace.length ? (this.s.insertMembers.all(groupId, teamId, JSON.stringify(plan.replace)) as string[]) : [];
    } else {
      const gone = plan.removeAll ? (this.s.deleteOwnableMembers.all(groupId) as string[]) : plan.remove.length ? (this.s.deleteMembers.all(groupId, JSON.stringify(plan.remove)) as string[]) : [];
      const joined = plan.add.length ? (this.s.insertMembers.all(groupId, teamId, JSON.stringify(plan.add)) as string[]) : [];
      // Removed then added again in the same request: a member before and after, so neither left nor joined.
      const goneSet = new Set(gone);
      const joinedSet = new Set(joined);
      removed = gone.filter((id) => !joinedSet.has(id));
      added = joined.filter((id) => !goneSet.has(id));
    }

    if (plan.displayName !== undefined && plan.displayName !== current.display_name) {
      // Renamed: every member shows the new name in its `groups`, and so does no one who left.
      this.s.touchMembers.run(isoNow(), groupId);
      this.touchUsers(teamId, removed);
    } else {
      this.touchUsers(teamId, [...added, ...removed]);
    }

    const row = this.s.update.get({
      id: groupId,
      team_id: teamId,
      display_name: plan.displayName ?? current.display_name,
      external_id: plan.externalId === undefined ? current.external_id : plan.externalId,
      updated_at: isoNow(),
    }) as GroupRow;
    const group = rowToGroup(row);
    return { group, added, removed, roleChanges: this.recomputeRoles(group, [...added, ...removed]) };
  }

  private deleteNow(teamId: string, id: string): MembershipResult | null {
    const current = this.s.get.get(id, teamId) as GroupRow | undefined;
    if (!current) return null;
    const removed = this.s.deleteAllMembers.all(id) as string[];
    this.touchUsers(teamId, removed);
    this.s.deleteGroup.run(id);
    const group = rowToGroup(current);
    return { group, added: [], removed, roleChanges: this.recomputeRoles(group, removed) };
  }

  private enableNow(teamId: string, roleGroups: NewGroup[]): { groups: Group[]; roleChanges: RoleChange[] } {
    this.s.setTeamFlag.run(teamId);
    const now = isoNow();
    const groups = roleGroups.map((wanted) => {
      const marked = this.s.byRole.get(teamId, wanted.roleGranted) as GroupRow | undefined;
      if (marked) return rowToGroup(marked);
      const named = this.s.byName.get(teamId, wanted.displayName) as GroupRow | undefined;
      if (named) return rowToGroup(this.s.setRole.get(wanted.roleGranted, now, named.id) as GroupRow);
      return rowToGroup(this.s.insert.get({ id: wanted.id || randomUUID(), team_id: teamId, display_name: wanted.displayName, external_id: wanted.externalId, role_granted: wanted.roleGranted, created_at: now }) as GroupRow);
    });
    const adminGroup = groups.find((g) => g.roleGranted === 'admin');
    if (adminGroup) {
      const admins = this.s.adminIds.all(teamId) as string[];
      if (admins.length) this.touchUsers(teamId, this.s.insertMembers.all(adminGroup.id, teamId, JSON.stringify(admins)) as string[]);
    }
    const everyone = this.s.roleGroupMemberIds.all(teamId) as string[];
    return { groups, roleChanges: this.setRoles(teamId, everyone) };
  }

  /** New version (ETag) for users whose `groups` changed. */
  private touchUsers(teamId: string, userIds: string[]): void {
    if (userIds.length) this.s.touchUsers.run(isoNow(), teamId, JSON.stringify(userIds));
  }

  /** Unknown (or other teams') user ids fail the whole write before anything is changed. */
  private checkMembers(teamId: string, ids: string[]): void {
    if (ids.length === 0) return;
    const unknown = this.s.unknownUsers.all(JSON.stringify(ids), teamId) as string[];
    if (unknown.length) throw new UnknownMembersError(unknown);
  }

  /** Role groups of a team with group-managed roles on set their members' roles; others never do. */
  private recomputeRoles(group: Group, userIds: string[]): RoleChange[] {
    if (group.roleGranted === null || userIds.length === 0) return [];
    if (this.s.teamFlag.get(group.teamId) !== 1) return [];
    return this.setRoles(group.teamId, userIds);
  }

  private setRoles(teamId: string, userIds: string[]): RoleChange[] {
    if (userIds.length === 0) return [];
    const changes: RoleChange[] = [];
    const now = isoNow();
    for (const r of this.s.currentRoles.all(teamId, JSON.stringify(userIds)) as Array<{ id: string; role: Role; rank: number | null }>) {
      // "owner" is never granted through a group: the highest role SCIM hands out is admin.
      const to = ROLE_BY_RANK[Math.min(r.rank ?? 0, 2)]!;
      if (to === r.role) continue;
      this.s.setUserRole.run(to, now, r.id);
      changes.push({ userId: r.id, from: r.role, to });
    }
    return changes;
  }
}
