import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { SqliteStore } from '../store/sqlite/index';
import { withServices } from './context';
import { print } from './output';
import { CliUsageError } from './password-input';

export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description('copy the embedded SQLite store to a file (online: the server may keep running)')
    .requiredOption('--to <file>', 'destination file (must not exist)')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const target = path.resolve(opts.to);
      if (existsSync(target)) throw new CliUsageError(`${target} already exists; choose a new file name.`);
      await withServices(async ({ store }) => {
        if (!(store instanceof SqliteStore)) throw new CliUsageError('backup works on the embedded SQLite store; for MongoDB use mongodump.');
        const started = Date.now();
        const { totalPages } = await store.backup(target);
        print(opts, { file: target, pages: totalPages, ms: Date.now() - started }, `Backed up to ${target} (${totalPages} pages).`);
      });
    });
}
