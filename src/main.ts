import type { Server } from 'node:http';
import { createApp } from './app';
import { CLI_COMMAND } from './cli/command-name';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './http/logger';
import { loadOrCreateSpKeys } from './saml/sp-keys';
import { createServices, type Services } from './services';
import { loadOrCreateMockIdpKeys } from './demo/mock-idp-keys';
import { describeStore, redactUri } from './store/location';
import { openStore } from './store/open';

/** How long in-flight requests get after SIGTERM before their connections are closed. */
export const SHUTDOWN_GRACE_MS = 8_000;

export interface Running {
  server: Server;
  services: Services;
  url: string;
  stop(): Promise<void>;
}

/** Composition root: config → store → services → app → listen. */
export async function startGatehouse(config: Config, logger = createLogger(config.logLevel)): Promise<Running> {
  // SAML SP key and certificate: loaded (generated on first start) once, before anything listens.
  const spKeys = await loadOrCreateSpKeys(config.certsDir);
  if (spKeys.created) logger.info({ certsDir: config.certsDir, fingerprint: spKeys.fingerprintSha256 }, 'generated the SAML SP key and certificate');
  for (const warning of spKeys.warnings) logger.warn({ certsDir: config.certsDir }, warning);
  const store = await openStore({ dataDir: config.dataDir, mongodbUri: config.mongodbUri, durability: config.sqliteSynchronous });
  const services = createServices(config, store, logger, { spKeys });
  // Demo mode only: the mock IdP's key lives in the demo data folder beside the store.
  const demoIdpKeys = config.demo ? await loadOrCreateMockIdpKeys(config.dataDir) : null;
  const app = createApp(services, { demoIdpKeys });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  services.samlScheduler.start();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`;
  // PORT=0 picks a free port: the default public URL (http://localhost:$PORT) is the bound one, not :0.
  if (config.publicUrlFromPort && config.port === 0) config.publicUrl = `http://localhost:${port}`;
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      await new Promise<void>((resolve) => {
        // Stop accepting; in-flight requests finish. A kept-alive connection turns idle only after its
        // response, so idle ones are closed as they appear (not after the 5 s keep-alive timeout), and
        // whatever is still open after SHUTDOWN_GRACE_MS is cut so `docker stop` (10 s) never SIGKILLs us.
        const idle = setInterval(() => server.closeIdleConnections(), 50);
        const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        server.close(() => {
          clearInterval(idle);
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      });
      await services.samlScheduler.stop();
      await services.provisioningLog.flush();
      await services.invitations.idle();
      await store.close();
    })());
  return { server, services, url, stop };
}

/** Single-quotes a value for a POSIX shell, so a hint stays pasteable whatever the path holds. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * What `npm start` prints: where it serves, which store it uses, and — on an empty instance — the
 * exact CLI call for the first team, with the server's own DATA_DIR / MONGODB_URI (its password
 * masked), so the team cannot land in another store.
 */
export function startupHint(config: Config, url: string, teamCount: number): string {
  const storeEnv = config.mongodbUri ? `MONGODB_URI=${shellQuote(redactUri(config.mongodbUri))}` : `DATA_DIR=${shellQuote(config.dataDir)}`;
  const masked = config.mongodbUri !== undefined && redactUri(config.mongodbUri) !== config.mongodbUri;
  return (
    `\nGatehouse is serving at ${url} (public URL ${config.publicUrl}).\n` +
    `Store: ${describeStore(config)} (${storeEnv})\n` +
    (teamCount === 0
      ? `No team yet. Create the first team and its owner (from this checkout, on the same store${masked ? '; put the password back where *** stands' : ''}):\n` +
        `  ${storeEnv} ${CLI_COMMAND} team create --name "Acme" --owner-email you@example.com --password-stdin\n\n`
      : `${teamCount} team(s). Admins sign in at ${config.publicUrl}/admin/login\n\n`)
  );
}

/** `npm start`: validated config, logs, signal handling. */
export async function runServer(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  const running = await startGatehouse(config, logger);
  logger.info({ url: running.url, publicUrl: config.publicUrl, store: describeStore(config) }, 'Gatehouse is listening');
  const teams = await running.services.store.teams.list();
  process.stdout.write(startupHint(config, running.url, teams.length));
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    running.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
