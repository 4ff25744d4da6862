import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Store } from './port';
import type { Durability } from './sqlite/database';
import { checkDataDir, SQLITE_FILE_NAME } from './location';

export { SQLITE_FILE_NAME };

export interface StoreConfig {
  /** Directory of the embedded database file (created if missing). */
  dataDir: string;
  /** Set ⇒ MongoDB; unset or empty ⇒ SQLite at `${dataDir}/gatehouse.db`. */
  mongodbUri?: string;
  /** SQLite only: 'normal' (default, crash-safe) or 'full' (power-loss safe). */
  durability?: Durability;
}

/** The one place that picks the adapter; each is loaded only when used (the CLI starts faster). */
export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.mongodbUri) {
    const { openMongoStore } = require('./mongo/index') as typeof import('./mongo/index');
    return openMongoStore(config.mongodbUri);
  }
  checkDataDir(config.dataDir);
  mkdirSync(config.dataDir, { recursive: true });
  const { openSqliteStore } = require('./sqlite/index') as typeof import('./sqlite/index');
  return openSqliteStore(path.join(config.dataDir, SQLITE_FILE_NAME), { durability: config.durability });
}
