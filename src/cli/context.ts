import { loadConfig } from '../config';
import { createLogger } from '../http/logger';
import { createServices, type Services } from '../services';
import { openStore } from '../store/open';

/** Opens the same store the server uses (DATA_DIR or MONGODB_URI), runs `fn`, closes it. */
export async function withServices<T>(fn: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore({ dataDir: config.dataDir, mongodbUri: config.mongodbUri, durability: config.sqliteSynchronous });
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr as never);
  try {
    return await fn(createServices(config, store, logger));
  } finally {
    await store.close();
  }
}
