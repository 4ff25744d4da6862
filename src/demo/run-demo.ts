import path from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config';
import { createLogger } from '../http/logger';
import { startGatehouse } from '../main';
import { FOURTH_PERSON, PROVISIONED_PEOPLE, scimUserBody, UNPROVISIONED_PERSON } from './demo-people';
import { DEFAULT_DEMO_DIR, DemoFolderError, freshDemoFolder } from './demo-data-folder';
import { seedDemo, type DemoSeed } from './demo-setup';
import { MOCK_IDP_PATH } from './mock-idp-metadata';

/** Single quotes for a POSIX shell (the curl line is meant to be pasted as is). */
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The ready command that provisions the fourth person through SCIM, as any SCIM client would. */
export function fourthPersonCurl(publicUrl: string, scimToken: string): string {
  return (
    `curl -sS -X POST -H ${shellQuote(`Authorization: Bearer ${scimToken}`)} -H 'Content-Type: application/scim+json' ` +
    `-d ${shellQuote(JSON.stringify(scimUserBody(FOURTH_PERSON)))} ${shellQuote(`${publicUrl}/scim/v2/Users`)}`
  );
}

/** What `npm run demo` prints once the demo is ready. */
export function nextSteps(publicUrl: string, dataDir: string, seed: DemoSeed): string {
  const people = seed.people.map((p) => `${p.displayName} <${p.email}>`).join(', ');
  return [
    '',
    `Gatehouse demo is ready at ${publicUrl}  (DEMO MODE: throwaway data in ${dataDir}, wiped at every \`npm run demo\`)`,
    '',
    `Team "Demo" (${seed.teamId}), connected to the mock IdP at ${publicUrl}${MOCK_IDP_PATH}/ (SAML, signed RSA-SHA256).`,
    `Provisioned through SCIM: ${people}; ${seed.adminGroup.member} is in "${seed.adminGroup.displayName}" (role admin).`,
    '',
    '1. Sign in as a demo person (enterprise login):',
    `   Enterprise login code: ${seed.loginCode}`,
    `   Enterprise login link: ${seed.loginUrl}`,
    `   (or type the code at ${publicUrl}/login), then pick a person at the mock IdP.`,
    `   Its other buttons show refusals: wrong NameID format, expired response, unprovisioned person (${UNPROVISIONED_PERSON.email}).`,
    '',
    '2. Team management (people, groups, SSO test connection, audit and provisioning logs):',
    `   Admin sign-in: ${publicUrl}/admin/login`,
    `   Owner email:    ${seed.ownerEmail}`,
    `   Owner password: ${seed.ownerPassword}`,
    '',
    `3. Provision a fourth person (${FOURTH_PERSON.displayName} <${FOURTH_PERSON.email}>) with the SCIM token, then sign them in with the link above:`,
    `   SCIM token (shown once, bound to the mock IdP): ${seed.scimToken}`,
    `   ${fourthPersonCurl(publicUrl, seed.scimToken)}`,
    '',
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}

/**
 * `npm run demo`: a fresh demo data folder, Gatehouse in demo mode (GATEHOUSE_DEMO=1, set by the
 * npm script) with the mock IdP, the demo team seeded through the real API, and the next steps printed.
 */
export async function runDemo(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const dataDir = path.resolve(env.DEMO_DATA_DIR || DEFAULT_DEMO_DIR);
  let config: Config;
  try {
    // The demo's own folder and certificates; an exported DATA_DIR or CERTS_DIR of a real instance is never used.
    // Loopback by default: the mock IdP signs in anyone, so other machines reach it only when HOST says so.
    config = loadConfig({ LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env, DATA_DIR: dataDir, CERTS_DIR: path.join(dataDir, 'certs') });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  if (!config.demo) {
    process.stderr.write('The demo runs only in demo mode: start it with `npm run demo` (it sets GATEHOUSE_DEMO=1).\n');
    process.exit(2);
  }
  try {
    await freshDemoFolder(dataDir);
  } catch (e) {
    if (!(e instanceof DemoFolderError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  const running = await startGatehouse(config, logger);
  // PORT=0: the public URL is known only now (nothing that uses it has been created yet).
  if (config.port === 0 && !env.PUBLIC_URL) config.publicUrl = running.url;
  const shutdown = () => running.stop().then(() => process.exit(0), () => process.exit(1));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  try {
    const seed = await seedDemo(running.url, running.services.accounts);
    process.stdout.write(nextSteps(config.publicUrl, dataDir, seed));
  } catch (e) {
    process.stderr.write(`The demo setup failed: ${e instanceof Error ? e.message : String(e)}\n`);
    await running.stop();
    process.exit(1);
  }
}
