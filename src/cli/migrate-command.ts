import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config';
import { redactUri, SQLITE_FILE_NAME } from '../store/location';
import type { TransferTarget } from '../store/migrate/records';
import { migrateStore, progressLine, type Progress } from '../store/migrate/run';
import { SqliteTransferSource, SqliteTransferTarget } from '../store/migrate/sqlite';
import { print } from './output';
import { CliUsageError } from './password-input';

export { redactUri };

async function openTarget(to: string, sourceFile: string): Promise<TransferTarget> {
  if (/^mongodb(\+srv)?:\/\//.test(to)) {
    const { openMongoStore } = require('../store/mongo/index') as typeof import('../store/mongo/index');
    const { MongoTransferTarget } = require('../store/migrate/mongo') as typeof import('../store/migrate/mongo');
    return new MongoTransferTarget(await openMongoStore(to), redactUri(to));
  }
  if (to.startsWith('sqlite:')) {
    const file = path.resolve(to.slice('sqlite:'.length));
    if (file === sourceFile) throw new CliUsageError('the target is the source file.');
    return new SqliteTransferTarget(file);
  }
  throw new CliUsageError(`--to must be a MongoDB connection string (mongodb://…, mongodb+srv://…) or sqlite:<file>; got "${redactUri(to)}".`);
}

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description(
      'copy every team, user, SCIM token hash, IdP, group + memberships, invitation and audit entry from the embedded store (DATA_DIR) to MongoDB; idempotent (upserts by id), verified at the end',
    )
    .requiredOption('--to <uri>', 'target: mongodb://…?replicaSet=…&retryWrites=true&w=majority, or sqlite:<file>')
    .option('--batch-size <n>', 'records per write', '500')
    .option('--json', 'print the verification counts as JSON')
    .action(async (opts) => {
      const config = loadConfig();
      const sourceFile = path.join(config.dataDir, SQLITE_FILE_NAME);
      if (!existsSync(sourceFile)) throw new CliUsageError(`no embedded store at ${sourceFile}; set DATA_DIR to the directory of gatehouse.db.`);
      const batchSize = Number(opts.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new CliUsageError('--batch-size must be an integer from 1 to 10000.');
      const target = await openTarget(String(opts.to), sourceFile);
      const source = new SqliteTransferSource(sourceFile);
      const tty = process.stderr.isTTY === true;
      let lastKind: string | null = null;
      const onProgress = (p: Progress) => {
        // On a terminal the bar redraws in place; in a log (CI, docker) one line per kind, when it is done.
        if (tty) process.stderr.write(`\r${progressLine(p)}${p.done === p.total ? '\n' : ''}`);
        else if (p.done === p.total && lastKind !== p.kind) process.stderr.write(`${progressLine(p)}\n`);
        if (p.done === p.total) lastKind = p.kind;
      };
      try {
        process.stderr.write(`migrating ${source.description} → ${target.description}\n`);
        const result = await migrateStore(source, target, { batchSize, onProgress });
        const table = result.kinds.map((k) => `  ${k.kind.padEnd(18)} source ${k.source}  copied ${k.copied}  verified ${k.verified}  in target ${k.target}`).join('\n');
        print(opts, result, `${result.ok ? 'Verified' : 'NOT verified'}: ${result.from} → ${result.to} in ${result.ms} ms\n${table}`);
        if (!result.ok) throw new Error('verification failed: the target does not hold every source record (see the counts above).');
      } finally {
        await source.close();
        await target.close();
      }
    });
}
