/**
 * Team settings an owner controls: group-managed roles (SCIM role groups set users' roles; turning
 * it on creates or adopts the role groups in the same transaction as the switch) and
 * validate_saml_emails (email-shaped SSO identifiers get a validation mail; src/accounts/email-validation-service.ts).
 */
import type { Authenticated } from './account-service';
import type { Auditor } from './audit';
import { badRequest, forbidden, notFound } from '../http/errors';
import { isScimProfile, SCIM_PROFILES, teamScimProfile, type ScimProfile } from '../scim/profile';
import { roleGroupsFor } from '../scim/role-groups';
import type { AuditActor, Group, Store } from '../store/port';

export interface TeamSettingsView {
  group_managed_roles: boolean;
  validate_saml_emails: boolean;
  /** How SCIM reads this team's users and links them to SAML: strict | directory (src/scim/profile.ts). */
  scim_profile: ScimProfile;
  role_groups: Array<{ id: string; display_name: string; role: string }>;
}

export class TeamSettingsService {
  constructor(
    private readonly store: Store,
    private readonly audit: Auditor,
  ) {}

  async get(teamId: string): Promise<TeamSettingsView> {
    const team = await this.store.teams.get(teamId);
    return { group_managed_roles: team?.groupManagedRoles === true, validate_saml_emails: team?.validateSamlEmails === true, scim_profile: teamScimProfile(team), role_groups: (await this.store.groups.roleGroups(teamId)).map(roleGroupView) };
  }

  /** Owners only: the switches decide who becomes admin and what mail people get, so an admin must not flip them. */
  async update(auth: Authenticated, body: unknown): Promise<TeamSettingsView> {
    if (auth.user.role !== 'owner') throw forbidden('owner-only', 'Only team owners may change team settings; ask an owner of your team.');
    return this.apply(auth.team.id, body, { type: 'user', id: auth.user.id, name: auth.user.email ?? auth.user.handle });
  }

  /** The change itself, for an owner (update) or the instance operator (the CLI, `gatehouse team settings`). */
  async apply(teamId: string, body: unknown, actor: AuditActor): Promise<TeamSettingsView> {
    const wanted = readSettings(body);
    // Read now, not from the session: the team may have changed since the caller signed in.
    const team = await this.store.teams.get(teamId);
    if (!team) throw notFound('team-not-found', `No team with id ${teamId}.`);
    await this.changeScimProfile(team.id, wanted.scim_profile, actor);
    if (wanted.group_managed_roles !== undefined && wanted.group_managed_roles !== team.groupManagedRoles) {
      if (wanted.group_managed_roles) {
        const { groups, roleChanges } = await this.store.groups.enableGroupManagedRoles(team.id, roleGroupsFor(team.id));
        await this.audit({ teamId: team.id, actor, action: 'team.settings.changed', targetType: 'team', targetId: team.id, details: { group_managed_roles: { from: false, to: true }, role_groups: groups.map(roleGroupView) } });
        for (const change of roleChanges) {
          await this.audit({ teamId: team.id, actor, action: 'user.role.changed', targetType: 'user', targetId: change.userId, details: { from: change.from, to: change.to, via: 'group-managed-roles enabled' } });
        }
      } else {
        // Roles stay as they are; the role groups become ordinary groups until the switch is on again.
        const current = (await this.store.teams.get(team.id)) ?? team;
        await this.store.teams.update({ ...current, groupManagedRoles: false });
        await this.audit({ teamId: team.id, actor, action: 'team.settings.changed', targetType: 'team', targetId: team.id, details: { group_managed_roles: { from: true, to: false } } });
      }
    }
    if (wanted.validate_saml_emails !== undefined && wanted.validate_saml_emails !== team.validateSamlEmails) {
      // Off stops new mails only: validated addresses stay validated, links already sent still work.
      const current = (await this.store.teams.get(team.id)) ?? team;
      await this.store.teams.update({ ...current, validateSamlEmails: wanted.validate_saml_emails });
      await this.audit({ teamId: team.id, actor, action: 'team.settings.changed', targetType: 'team', targetId: team.id, details: { validate_saml_emails: { from: team.validateSamlEmails, to: wanted.validate_saml_emails } } });
    }
    return this.get(team.id);
  }

  /**
   * Sets the team's SCIM profile (owners through update(), operators through the CLI). Stored users
   * are not rewritten: each keeps the rule it was written under until the IdP next writes it.
   */
  async changeScimProfile(teamId: string, wanted: ScimProfile | undefined, actor: AuditActor): Promise<void> {
    if (wanted === undefined) return;
    const team = await this.store.teams.get(teamId);
    if (!team) throw badRequest('team-not-found', `No team with id ${teamId}.`);
    const from = teamScimProfile(team);
    if (from === wanted) return;
    await this.store.teams.update({ ...team, scimProfile: wanted });
    await this.audit({ teamId, actor, action: 'team.settings.changed', targetType: 'team', targetId: teamId, details: { scim_profile: { from, to: wanted } } });
  }
}

function roleGroupView(g: Group) {
  return { id: g.id, display_name: g.displayName, role: g.roleGranted ?? 'member' };
}

const SETTINGS = ['group_managed_roles', 'validate_saml_emails', 'scim_profile'] as const;
type Setting = (typeof SETTINGS)[number];
type Settings = Partial<Record<Exclude<Setting, 'scim_profile'>, boolean>> & { scim_profile?: ScimProfile };

function readSettings(body: unknown): Settings {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('invalid-body', 'Send the settings as a JSON object, e.g. {"group_managed_roles": true}.');
  const out: Settings = {};
  for (const [key, value] of Object.entries(body)) {
    if (!(SETTINGS as readonly string[]).includes(key)) throw badRequest('unknown-setting', `Unknown setting "${key}"; the settings are: ${SETTINGS.join(', ')}.`);
    if (key === 'scim_profile') {
      if (!isScimProfile(value)) throw badRequest('invalid-setting', `scim_profile must be one of ${SCIM_PROFILES.map((p) => `"${p}"`).join(', ')}, got ${JSON.stringify(value)?.slice(0, 40)}.`);
      out.scim_profile = value;
      continue;
    }
    if (typeof value !== 'boolean') throw badRequest('invalid-setting', `${key} must be true or false.`);
    out[key as Exclude<Setting, 'scim_profile'>] = value;
  }
  return out;
}
