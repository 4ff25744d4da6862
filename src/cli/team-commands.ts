import type { Command } from 'commander';
import { operatorActor } from '../accounts/audit';
import { withServices } from './context';
import { print } from './output';
import { resolvePassword } from './password-input';

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
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const password = await resolvePassword(opts);
      await withServices(async ({ accounts, store }) => {
        const first = (await store.teams.list()).length === 0;
        const { team: t, owner } = await accounts.createTeam({ name: opts.name, ownerEmail: opts.ownerEmail, password, actor: operatorActor });
        print(opts, { team: { id: t.id, name: t.name }, owner: { id: owner.id, email: owner.email, role: owner.role } }, `Created team "${t.name}" (${t.id}); owner ${owner.email} (${owner.id}).`);
        if (first) process.stderr.write('This is the first team in this store: the server sees it only if it runs on the same store (named above).\n');
      }, { init: Boolean(opts.init) });
    });

  team
    .command('list')
    .description('list every team on this instance')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      await withServices(async ({ store }) => {
        const teams = await store.teams.list();
        const rows = teams.map((t) => ({ id: t.id, name: t.name, created_at: t.createdAt }));
        print(opts, { teams: rows }, rows.length ? rows.map((r) => `${r.id}  ${r.name}`).join('\n') : 'No teams yet.');
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
