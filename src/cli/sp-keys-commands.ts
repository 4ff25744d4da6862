import type { Command } from 'commander';
import { operatorActor } from '../accounts/audit';
import type { SpKeyStatus } from '../saml/sp-key-rollover';
import { withServices } from './context';
import { print } from './output';
import { CliUsageError } from './password-input';

function human(status: SpKeyStatus, done?: string): string {
  const rows = status.keys.map((k) => `${k.state.padEnd(8)} ${k.use.padEnd(10)} until ${k.not_after.slice(0, 10)}  ${k.fingerprint_sha256}`);
  return [...(done ? [done] : []), ...(rows.length ? rows : ['No SP keys yet (the server creates them on its first start).']), ...status.warnings.map((w) => `warning: ${w}`), status.next_step].join('\n');
}

export function registerSpKeyCommands(program: Command): void {
  const spKeys = program
    .command('sp-keys')
    .description('roll the SAML SP signing and encryption keys over without downtime: stage → activate → retire (running instances follow within seconds)');

  spKeys
    .command('status')
    .description('the SP certificates, their state and expiry, and the next step')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      await withServices(async ({ spKeyRollover }) => {
        const status = await spKeyRollover.status();
        print(opts, status, human(status));
      });
    });

  spKeys
    .command('stage')
    .description("create the next signing + encryption pair and publish it in every team's SP metadata beside the current one")
    .option('--days <n>', 'validity of the new certificates in days (default 3650)')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const days = opts.days === undefined ? undefined : Number(opts.days);
      if (days !== undefined && (!Number.isInteger(days) || days < 30 || days > 36500)) throw new CliUsageError('--days must be a whole number of days between 30 and 36500');
      await withServices(async ({ spKeyRollover }) => {
        const status = await spKeyRollover.stage(operatorActor, days ? { validityDays: days } : {});
        print(opts, status, human(status, 'Staged the next SP key pair.'));
      });
    });

  spKeys
    .command('activate')
    .description('sign AuthnRequests with the staged pair; the old pair stays published and still decrypts')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      await withServices(async ({ spKeyRollover }) => {
        const status = await spKeyRollover.activate(operatorActor);
        print(opts, status, human(status, 'Activated the new SP key pair.'));
      });
    });

  spKeys
    .command('retire')
    .description('remove the old pair from the SP metadata and from decryption')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      await withServices(async ({ spKeyRollover }) => {
        const status = await spKeyRollover.retire(operatorActor);
        print(opts, status, human(status, 'Retired the old SP key pair.'));
      });
    });
}
