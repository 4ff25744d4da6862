/**
 * Validated ACS logins per second vs node-saml's validatePostResponseAsync alone, on the same
 * responses in the same process. The ACS side is SsoService.finalize over the real SQLite store:
 * claimed-IdP lookup, our structural checks + node-saml + our signed-bytes checks, the replay
 * cache insert, the single-use request consume, the user lookup and the session write.
 * HTTP is left out on both sides (it is the same Express cost for any ACS).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import pino from 'pino';
import { operatorActor } from '../src/accounts/audit';
import { loadConfig } from '../src/config';
import { newRequestId } from '../src/saml/authn-request';
import { toPem } from '../src/saml/certificates';
import { ensureSpKeys } from '../src/saml/sp-key-setup';
import { keyWrapFromConfig } from '../src/secrets/key-wrap';
import { spAcsUrl, spEntityId } from '../src/saml/sp-urls';
import { createServices } from '../src/services';
import { openStore } from '../src/store/open';
import { TestIdp } from '../test/support/test-idp';

export interface SamlAcsBenchResult {
  responses: number;
  rounds: number;
  acsLoginsPerSecond: number;
  nodeSamlPerSecond: number;
  ratio: number;
  target: number;
}

const TARGET_RATIO = 0.7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchSamlAcs(options: { responses?: number; rounds?: number; log?: (line: string) => void } = {}): Promise<SamlAcsBenchResult> {
  const responses = options.responses ?? 300;
  const rounds = options.rounds ?? 5;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-acs-'));
  const config = loadConfig({ DATA_DIR: dir, CERTS_DIR: path.join(dir, 'certs'), PUBLIC_URL: 'https://gatehouse.bench', LOG_LEVEL: 'silent' });
  const store = await openStore({ dataDir: config.dataDir });
  try {
    await ensureSpKeys(store, keyWrapFromConfig(config), config.certsDir, { bits: 2048 });
    const services = createServices(config, store, pino({ level: 'silent' }));
    const { team } = await services.accounts.createTeam({ name: 'Bench', ownerEmail: 'owner@bench.test', password: 'bench password 1', actor: operatorActor });
    const idp = TestIdp.create({ entityId: 'https://idp.bench.test/metadata' });
    const created = await services.idps.create(team.id, { kind: 'xml', xml: idp.metadataXml({ ssoUrl: 'https://idp.bench.test/sso' }) }, {}, operatorActor);
    const sp = { entityId: spEntityId(config.publicUrl, team.id), acsUrl: spAcsUrl(config.publicUrl, team.id) };
    const nodeSaml = new SAML({
      issuer: sp.entityId,
      callbackUrl: sp.acsUrl,
      audience: sp.entityId,
      idpIssuer: idp.entityId,
      idpCert: [toPem(idp.keys.certBase64)],
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      acceptedClockSkewMs: config.samlClockSkewSeconds * 1000,
      validateInResponseTo: ValidateInResponseTo.never,
    });

    /** A fresh set: each response answers its own stored request, so the ACS consumes nothing twice. */
    async function makeSet(): Promise<Array<{ SAMLResponse: string; RelayState: string; cookie: string }>> {
      const set = [];
      for (let i = 0; i < responses; i++) {
        const id = newRequestId();
        const now = new Date().toISOString();
        await store.samlRequests.create({ id, teamId: team.id, idpId: created.id, successRedirect: null, errorRedirect: null, testRunId: null, createdAt: now, expiresAt: new Date(Date.now() + 3600_000).toISOString(), consumedAt: null });
        // The browser's request-binding cookie, as GET /sso/initiate-login would have set it.
        const cookie = services.sso.binding.started(null, id).value;
        set.push({ SAMLResponse: idp.responseBase64({ sp, inResponseTo: id, nameId: `user${i % 50}@bench.test`, attributes: { displayName: `User ${i % 50}` } }), RelayState: id, cookie });
      }
      return set;
    }

    async function timeNodeSaml(set: Array<{ SAMLResponse: string }>): Promise<number> {
      const started = process.hrtime.bigint();
      for (const body of set) await nodeSaml.validatePostResponseAsync({ SAMLResponse: body.SAMLResponse });
      return Number(process.hrtime.bigint() - started) / 1e9;
    }

    async function timeAcs(set: Array<{ SAMLResponse: string; RelayState: string; cookie: string }>): Promise<number> {
      const started = process.hrtime.bigint();
      for (const body of set) {
        const outcome = await services.sso.finalize(team.id, { SAMLResponse: body.SAMLResponse, RelayState: body.RelayState }, { bindingCookie: body.cookie });
        if (outcome.kind !== 'signed-in') throw new Error(`ACS refused a valid response: ${outcome.kind === 'refused' ? outcome.label : outcome.kind}`);
      }
      return Number(process.hrtime.bigint() - started) / 1e9;
    }

    // Warm-up (JIT, first-login user creation), not measured.
    const warm = await makeSet();
    await timeNodeSaml(warm.slice(0, 50));
    await timeAcs(warm);

    const acsRates: number[] = [];
    const nodeRates: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const set = await makeSet();
      // Alternate the order so neither side always runs on a warmer heap.
      if (round % 2 === 0) {
        nodeRates.push(responses / (await timeNodeSaml(set)));
        acsRates.push(responses / (await timeAcs(set)));
      } else {
        acsRates.push(responses / (await timeAcs(set)));
        nodeRates.push(responses / (await timeNodeSaml(set)));
      }
      log(`  round ${round + 1}: ACS ${acsRates.at(-1)!.toFixed(0)}/s, node-saml alone ${nodeRates.at(-1)!.toFixed(0)}/s`);
    }
    const acsLoginsPerSecond = median(acsRates);
    const nodeSamlPerSecond = median(nodeRates);
    const result = { responses, rounds, acsLoginsPerSecond, nodeSamlPerSecond, ratio: acsLoginsPerSecond / nodeSamlPerSecond, target: TARGET_RATIO };
    log(
      `SAML ACS: ${acsLoginsPerSecond.toFixed(0)} validated logins/s vs node-saml validatePostResponseAsync alone ${nodeSamlPerSecond.toFixed(0)}/s ` +
        `→ ratio ${result.ratio.toFixed(2)} (target ≥ ${TARGET_RATIO}) [${responses} responses × ${rounds} rounds, medians]`,
    );
    return result;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
