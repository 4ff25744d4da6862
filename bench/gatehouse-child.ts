/**
 * Bench child: the real Gatehouse server on a temp DATA_DIR, with one SAML team (one IdP) and one SCIM
 * token bound to that IdP — the main provisioning setup. Without an IdP the team would be an
 * email/password team and every POST /Users would also write an invitation mail.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { operatorActor } from '../src/accounts/audit';
import { loadConfig } from '../src/config';
import { startGatehouse } from '../src/main';
import { TestIdp } from '../test/support/test-idp';
import { WindowProfiler } from './window-profiler';

const profiler = new WindowProfiler();

async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-'));
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, CERTS_DIR: path.join(dataDir, 'certs') });
  const running = await startGatehouse(config);
  running.services.config.publicUrl = running.url;
  const email = 'owner@bench.test';
  const password = 'bench password 123';
  // BENCH_SCIM_PROFILE=directory: the same scenarios against a team in the directory SCIM profile.
  const scimProfile = process.env.BENCH_SCIM_PROFILE === 'directory' ? 'directory' : 'strict';
  const { team } = await running.services.accounts.createTeam({ name: 'Bench', ownerEmail: email, password, actor: operatorActor, scimProfile });
  const idpXml = TestIdp.create({ bits: 2048 }).metadataXml({ ssoUrl: 'https://idp.bench.test/sso' });
  const idp = await running.services.idps.create(team.id, { kind: 'xml', xml: idpXml }, {}, operatorActor);
  const login = (await (await fetch(`${running.url}/login?persist=false`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })).json()) as { access_token: string };
  const minted = await fetch(`${running.url}/scim/auth-tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${login.access_token}` },
    body: JSON.stringify({ description: 'bench', password, idp: idp.id }),
  });
  const { token } = (await minted.json()) as { token: string };
  process.send!({ url: `${running.url}/scim/v2`, token });
  // bench/profile.ts: profile only the measured window (not start-up or seeding).
  process.on('message', (message: { profile?: 'start' | 'stop'; cpu?: boolean }) => {
    if (message.cpu) {
      if (process.env.BENCH_GC === '1') (globalThis as { gc?: () => void }).gc?.();
      process.send!({ cpuUs: process.cpuUsage(), memory: process.memoryUsage() });
    }
    if (message.profile === 'start') void profiler.start().then(() => process.send!({ profiling: true }));
    if (message.profile === 'stop') void profiler.stop().then((file) => process.send!({ profile: file }));
  });
  process.on('SIGTERM', () => void running.stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
