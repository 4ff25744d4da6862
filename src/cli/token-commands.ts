import type { Command } from 'commander';
import { operatorActor } from '../accounts/audit';
import { withServices } from './context';
import { print } from './output';

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description("manage a team's SCIM tokens as the operator (no admin password needed)");

  token
    .command('create')
    .description('create a SCIM token; the secret is printed once')
    .requiredOption('--team <id>', 'team id')
    .requiredOption('--description <text>', 'what the token is for')
    .option('--name <name>', 'short name (defaults to the description)')
    .option('--idp <id>', 'bind the token to one identity provider of the team')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      await withServices(async ({ accounts, scimTokens }) => {
        await accounts.requireTeam(opts.team);
        const out = await scimTokens.create(opts.team, { description: opts.description, name: opts.name, idp: opts.idp }, operatorActor);
        print(opts, out, `Token ${out.info.id} created. Secret (shown once):\n${out.token}`);
      });
    });

  token
    .command('list')
    .description("list a team's SCIM tokens (never the secrets)")
    .requiredOption('--team <id>', 'team id')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      await withServices(async ({ accounts, scimTokens }) => {
        await accounts.requireTeam(opts.team);
        const tokens = await scimTokens.list(opts.team);
        print(opts, { tokens }, tokens.length ? tokens.map((t) => `${t.id}  ${t.created_at}  ${t.name}`).join('\n') : 'No SCIM tokens.');
      });
    });

  token
    .command('delete')
    .description('delete a SCIM token')
    .requiredOption('--team <id>', 'team id')
    .requiredOption('--id <id>', 'token id')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      await withServices(async ({ scimTokens }) => {
        await scimTokens.delete(opts.team, opts.id, operatorActor);
        print(opts, { deleted: opts.id }, `Deleted token ${opts.id}.`);
      });
    });
}
