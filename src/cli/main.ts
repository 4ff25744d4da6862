import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config';
import { AppError } from '../http/errors';
import { StoreLocationError } from '../store/location';
import { registerBackupCommand } from './backup-command';
import { CLI_COMMAND, IMAGE_CLI_COMMAND } from './command-name';
import { registerMigrateCommand } from './migrate-command';
import { CliUsageError } from './password-input';
import { registerSpKeyCommands } from './sp-keys-commands';
import { registerTeamCommands } from './team-commands';
import { registerTokenCommands } from './token-commands';

/** The `gatehouse` operator command. Works against DATA_DIR or MONGODB_URI, also while the server runs. */
export function buildProgram(name = CLI_COMMAND): Command {
  const program = new Command(name)
    .description('Operate a Gatehouse instance: teams, admins, SCIM tokens. Uses DATA_DIR (default ./data) or MONGODB_URI like the server, and names the store it used on stderr.')
    .addHelpText(
      'after',
      '\nEnvironment:\n' +
        '  DATA_DIR            directory of the embedded store (default ./data); must be the server\'s\n' +
        '  MONGODB_URI         use this MongoDB instead of DATA_DIR\n' +
        '  GATEHOUSE_PASSWORD  password for team create / admin add when neither --password-stdin nor --password is given\n' +
        '  LOG_LEVEL           log level of the store and services (default warn)\n',
    )
    .showHelpAfterError()
    .exitOverride();
  registerTeamCommands(program);
  registerTokenCommands(program);
  registerBackupCommand(program);
  registerMigrateCommand(program);
  registerSpKeyCommands(program);
  return program;
}

export async function runCli(argv: string[], name = CLI_COMMAND): Promise<number> {
  try {
    await buildProgram(name).parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CliUsageError || e instanceof ConfigError || e instanceof StoreLocationError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof AppError) {
      process.stderr.write(`error: ${e.message} (${e.label})\n`);
      return 1;
    }
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

// `node dist/cli/main.js …`: the CLI in the Docker image, where there is no src/ for bin/gatehouse.js.
if (require.main === module) {
  runCli(process.argv, IMAGE_CLI_COMMAND).then((code) => {
    process.exitCode = code;
  });
}
