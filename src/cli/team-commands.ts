import type { Command } from 'commander';
import { operatorActor } from '../accounts/audit';
import { badRequest, notFound } from '../http/errors';
import { isScimProfile, SCIM_PROFILE_SUMMARY, teamScimProfile, type ScimProfile } from '../scim/profile';
import { withServices } from './context';

const PROFILE_HELP = `strict: ${SCIM_PROFILE_SUMMARY.strict} directory: ${SCIM_PROFILE_SUMMARY.directory}`;
import { print } from './output';
import { CliUsageError, resolvePassword } from './password-input';

export function registerTeamCommands(program: Command): void {
  const team = program.command('team').description('create and list teams');

  team
    .command('create')
    .description('create a team and its first owner (who signs in with email + password)')
    .requiredOption('--name <name>', 'team name, 1–128 characters')
    .requiredOption('--owner-email <email>', "the owner's sign-in email")
    .option('--password <password>', "the owner's password (prefer --password-stdin; visible in process lists)")
    .option('--password-stdin', "read the owner's password from standard input (at a terminal: asked for, not echoed)")
    .option('--init', 'start a new, empty store when DATA_DIR has none (without it the command refuses, so a team never lands in a store the server does not use)')
    .option('--scim-profile <profile>', `how SCIM reads users: strict (default) or directory. ${PROFILE_HELP}`)
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const password = await resolvePassword(opts);
      await withServices(async ({ accounts, store }) => {
        const first = (await store.teams.list()).length === 0;
        const { team: t, owner } = await accounts.createTeam({ name: opts.name, ownerEmail: opts.ownerEmail, password, actor: operatorActor, ...(opts.scimProfile !== undefined ? { scimProfile: opts.scimProfile } : {}) });
        const profile = teamScimProfile(t);
        print(opts, { team: { id: t.id, name: t.name, scim_profile: profile }, owner: { id: owner.id, email: owner.email, role: owner.role } }, `Created team "${t.name}" (${t.id}) with the ${profile} SCIM profile; owner ${owner.email} (${owner.id}).`);
        if (first) process.stderr.write('This is the first team in this store: the server sees it only if it runs on the same store (named above).\n');
      }, { init: Boolean(opts.init) });
    });

  team
    .command('set-scim-profile')
    .description("change a team's SCIM profile (stored users are not rewritten; see README)")
    .requiredOption('--team <id>', 'team id')
    .requiredOption('--profile <profile>', `strict or directory. ${PROFILE_HELP}`)
    .option('--json', 'print JSON')
    .action(async (opts) => {
      await withServices(async ({ teamSettings, store }) => {
        if (!isScimProfile(opts.profile)) throw badRequest('invalid-scim-profile', `--profile must be "strict" or "directory", got ${JSON.stringify(opts.profile)}.`);
        if (!(await store.teams.get(opts.team))) throw notFound('team-not-found', `No team with id ${opts.team}; \`gatehouse team list\` shows the teams.`);
        await teamSettings.changeScimProfile(opts.team, opts.profile, operatorActor);
        print(opts, { team: { id: opts.team, scim_profile: opts.profile } }, `Team ${opts.team} now uses the ${opts.profile} SCIM profile: ${SCIM_PROFILE_SUMMARY[opts.profile as ScimProfile]}`);
      });
    });

  team
    .command('list')
    .description('list every team on this instance')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      await withServices(async ({ store }) => {
        const teams = await store.teams.list();
        const rows = teams.map((t) => ({ id: t.id, name: t.name, created_at: t.createdAt, scim_profile: teamScimProfile(t) }));
        print(opts, { teams: rows }, rows.length ? rows.map((r) => `${r.id}  ${r.name}  (SCIM: ${r.scim_profile})`).join('\n') : 'No teams yet.');
      });
    });

  team
    .command('settings')
    .description('show or change a team\'s settings (as PUT /team/settings does for its owner); audited as the operator')
    .requiredOption('--team <id>', 'team id')
    .option('--validate-saml-emails <on|off>', 'email validation of SSO users provisioned through SCIM (validateSAMLemails)')
    .option('--group-managed-roles <on|off>', "membership in the team's role groups sets users' roles")
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const changes: Record<string, boolean> = {};
      if (opts.validateSamlEmails !== undefined) changes.validate_saml_emails = onOff('--validate-saml-emails', opts.validateSamlEmails);
      if (opts.groupManagedRoles !== undefined) changes.group_managed_roles = onOff('--group-managed-roles', opts.groupManagedRoles);
      await withServices(async ({ teamSettings, accounts }) => {
        await accounts.requireTeam(opts.team);
        const settings = Object.keys(changes).length ? await teamSettings.apply(opts.team, changes, operatorActor) : await teamSettings.get(opts.team);
        const shown = { group_managed_roles: settings.group_managed_roles, validate_saml_emails: settings.validate_saml_emails };
        print(opts, { team: opts.team, settings: shown }, Object.entries(shown).map(([k, v]) => `${k}: ${v ? 'on' : 'off'}`).join('\n'));
      });
    });

  program
    .command('admin')
    .description('manage team owners and admins')
    .command('add')
    .description('add an owner or admin (email + password sign-in) to a team')
    .requiredOption('--team <id>', 'team id')
    .requiredOption('--email <email>', 'sign-in email')
    .option('--role <role>', 'owner or admin', 'admin')
    .option('--password <password>', 'password (prefer --password-stdin)')
    .option('--password-stdin', 'read the password from standard input (at a terminal: asked for, not echoed)')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const password = await resolvePassword(opts);
      await withServices(async ({ accounts }) => {
        const user = await accounts.addAdmin({ teamId: opts.team, email: opts.email, role: opts.role, password, actor: operatorActor });
        print(opts, { user: { id: user.id, team: user.teamId, email: user.email, role: user.role } }, `Added ${user.role} ${user.email} (${user.id}).`);
      });
    });
}

function onOff(flag: string, value: unknown): boolean {
  if (value === 'on' || value === 'true') return true;
  if (value === 'off' || value === 'false') return false;
  throw new CliUsageError(`${flag} takes "on" or "off", not ${JSON.stringify(value)}.`);
}
