import type { Server } from 'node:http';
import { createApp } from './app';
import { CLI_COMMAND } from './cli/command-name';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './http/logger';
import { ensureSpKeys, resealSpKeys } from './saml/sp-key-setup';
import { ensureCsrfSecret, resealInstanceSecrets } from './secrets/instance-secrets';
import { keyWrapFromConfig } from './secrets/key-wrap';
import { createServices, type Services } from './services';
import { loadOrCreateMockIdpKeys } from './demo/mock-idp-keys';
import { describeStore, redactUri } from './store/location';
import { openStore } from './store/open';
import type { Store } from './store/port';
import type { Logger } from 'pino';

/** How long in-flight requests get after SIGTERM before their connections are closed. */
export const SHUTDOWN_GRACE_MS = 8_000;

export interface Running {
  server: Server;
  services: Services;
  url: string;
  stop(): Promise<void>;
}

/**
 * SP key pairs and the CSRF key live in the store, shared by every instance: the first instance to
 * start creates them (or imports CERTS_DIR's from an older installation), the others read them.
 */
async function prepareKeys(config: Config, store: Store, logger: Logger): Promise<string> {
  const wrap = keyWrapFromConfig(config);
  if (!wrap.enabled) {
    logger.warn('KEY_ENCRYPTION_KEY is not set: the SP private keys and the CSRF key are stored unencrypted in the store; set it to 32 random bytes (openssl rand -base64 32), see docs/CONFIGURATION.md');
  }
  const setup = await ensureSpKeys(store, wrap, config.certsDir);
  if (setup.outcome === 'imported') logger.info({ certsDir: config.certsDir, fingerprint: setup.signingFingerprint }, `imported the SAML SP key pair from ${config.certsDir} into the store`);
  if (setup.outcome === 'generated') logger.info({ fingerprint: setup.signingFingerprint }, 'generated the SAML SP signing and encryption key pairs (stored in the store)');
  const csrfSecret = await ensureCsrfSecret(store, wrap, config.certsDir);
  const resealed = (await resealSpKeys(store, wrap)) + (await resealInstanceSecrets(store, wrap));
  if (resealed > 0) logger.info({ kek: wrap.currentKekId, count: resealed }, 'wrapped stored keys and secrets with KEY_ENCRYPTION_KEY');
  return csrfSecret;
}

/** Composition root: config → store → keys → services → app → listen. */
export async function startGatehouse(config: Config, logger = createLogger(config.logLevel)): Promise<Running> {
  const store = await openStore({ dataDir: config.dataDir, mongodbUri: config.mongodbUri, durability: config.sqliteSynchronous });
  let csrfSecret: string;
  try {
    csrfSecret = await prepareKeys(config, store, logger);
  } catch (err) {
    await store.close();
    throw err;
  }
  const services = createServices(config, store, logger, { csrfSecret });
  await services.spKeyring.current(); // fail now, not at the first sign-in, if a key does not open
  // Demo mode only: the mock IdP's key lives in the demo data folder beside the store.
  const demoIdpKeys = config.demo ? await loadOrCreateMockIdpKeys(config.dataDir) : null;
  const app = createApp(services, { demoIdpKeys });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  services.samlScheduler.start();
  services.expiredRowPurger.start();
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
      await services.expiredRowPurger.stop();
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
