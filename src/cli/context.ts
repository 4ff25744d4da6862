import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config';
import { createLogger } from '../http/logger';
import { createServices, type Services } from '../services';
import { checkDataDir, describeStore, SQLITE_FILE_NAME } from '../store/location';
import { openStore } from '../store/open';
import { CliUsageError } from './password-input';

export interface StoreOptions {
  /** `team create --init`: the one command allowed to start a brand-new embedded store. */
  init?: boolean;
}

/**
 * Opens the same store the server uses (DATA_DIR or MONGODB_URI), runs `fn`, closes it. The store is
 * named on stderr every time, and a missing SQLite file is refused unless `init` is set: a CLI run
 * from another directory (or without the server's DATA_DIR) would otherwise create a second, empty
 * store and put the team there, where the running server never sees it.
 */
export async function withServices<T>(fn: (services: Services) => Promise<T>, options: StoreOptions = {}): Promise<T> {
  const config = loadConfig();
  process.stderr.write(`Store: ${describeStore(config)}${config.mongodbUri ? ' (MONGODB_URI)' : ` (DATA_DIR=${config.dataDir})`}\n`);
  if (!config.mongodbUri) {
    checkDataDir(config.dataDir);
    const file = path.join(config.dataDir, SQLITE_FILE_NAME);
    if (!existsSync(file) && !options.init) {
      throw new CliUsageError(
        `there is no Gatehouse store at ${file}. Set DATA_DIR (or MONGODB_URI) to the store the server uses: ` +
          `its startup message names it${options.init === false ? ', or add --init to start a new, empty store here' : ''}.`,
      );
    }
  }
  const store = await openStore({ dataDir: config.dataDir, mongodbUri: config.mongodbUri, durability: config.sqliteSynchronous });
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr as never);
  try {
    return await fn(createServices(config, store, logger));
  } finally {
    await store.close();
  }
}
