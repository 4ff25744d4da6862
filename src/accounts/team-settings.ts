/**
 * Team settings an owner controls. Today: group-managed roles (SCIM role groups set users' roles).
 * Turning it on creates (or adopts) the role groups in the same transaction as the switch.
 */
import type { Authenticated } from './account-service';
import type { Auditor } from './audit';
import { badRequest, forbidden } from '../http/errors';
import { roleGroupsFor } from '../scim/role-groups';
import type { AuditActor, Group, Store } from '../store/port';

export interface TeamSettingsView {
  group_managed_roles: boolean;
  role_groups: Array<{ id: string; display_name: string; role: string }>;
}

export class TeamSettingsService {
  constructor(
    private readonly store: Store,
    private readonly audit: Auditor,
  ) {}

  async get(teamId: string): Promise<TeamSettingsView> {
    const team = await this.store.teams.get(teamId);
    return { group_managed_roles: team?.groupManagedRoles === true, role_groups: (await this.store.groups.roleGroups(teamId)).map(roleGroupView) };
  }

  /** Owners only: the switch decides who becomes admin, so an admin must not be able to flip it. */
  async update(auth: Authenticated, body: unknown): Promise<TeamSettingsView> {
    if (auth.user.role !== 'owner') throw forbidden('owner-only', 'Only team owners may change team settings.');
    const wanted = readSettings(body);
    const { team } = auth;
    const actor: AuditActor = { type: 'user', id: auth.user.id, name: auth.user.email ?? auth.user.handle };
    if (wanted.group_managed_roles !== undefined && wanted.group_managed_roles !== team.groupManagedRoles) {
      if (wanted.group_managed_roles) {
        const { groups, roleChanges } = await this.store.groups.enableGroupManagedRoles(team.id, roleGroupsFor(team.id));
        await this.audit({ teamId: team.id, actor, action: 'team.settings.changed', targetType: 'team', targetId: team.id, details: { group_managed_roles: { from: false, to: true }, role_groups: groups.map(roleGroupView) } });
        for (const change of roleChanges) {
          await this.audit({ teamId: team.id, actor, action: 'user.role.changed', targetType: 'user', targetId: change.userId, details: { from: change.from, to: change.to, via: 'group-managed-roles enabled' } });
        }
      } else {
        // Roles stay as they are; the role groups become ordinary groups until the switch is on again.
        await this.store.teams.update({ ...team, groupManagedRoles: false });
        await this.audit({ teamId: team.id, actor, action: 'team.settings.changed', targetType: 'team', targetId: team.id, details: { group_managed_roles: { from: true, to: false } } });
      }
    }
    return this.get(team.id);
  }

}

function roleGroupView(g: Group) {
  return { id: g.id, display_name: g.displayName, role: g.roleGranted ?? 'member' };
}

function readSettings(body: unknown): { group_managed_roles?: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('invalid-body', 'Send the settings as a JSON object, e.g. {"group_managed_roles": true}.');
  const out: { group_managed_roles?: boolean } = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'group_managed_roles') throw badRequest('unknown-setting', `Unknown setting "${key}"; the settings are: group_managed_roles.`);
    if (typeof value !== 'boolean') throw badRequest('invalid-setting', 'group_managed_roles must be true or false.');
    out.group_managed_roles = value;
  }
  return out;
}
