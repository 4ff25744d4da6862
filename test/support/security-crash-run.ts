/** One crash-safety scenario: set up a team, then `rounds` × (start, write load, SIGKILL, restart, verify). */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createScimToken, createTeam } from './fixtures';
import { call } from './http';
import { newLedger, prng, sqliteChecks, verifyAfterRestart, writeLoad } from './security-crash';
import { freePort, killHard, spawnServer, stopGracefully } from './security-process';
import { startTestServer } from './server';

export interface CrashReport {
  rounds: { acks: number; inFlightAtKill: number; killedAfterMs: number; problems: string[] }[];
  users: number;
  groups: number;
  sqlite: string[];
  seed: number;
}

/**
 * Each round kills the server `killAfterMs` (random within the range) after the load has had
 * `minAcks` writes acknowledged, so a slow, busy machine still crashes it mid-load, never before.
 */
export async function crashScenario(options: { rounds: number; workers: number; killAfterMs: [number, number]; minAcks?: number; seed?: number; log?: (line: string) => void }): Promise<CrashReport> {
  const seed = options.seed ?? Date.now() % 1_000_000;
  const rnd = prng(seed);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-crash-'));
  try {
    // The team and its SCIM token, written through the in-process server over the same files.
    const setup = await startTestServer({ DATA_DIR: dataDir });
    const team = await createTeam(setup, 'Crash');
    const token = await createScimToken(setup, team);
    await setup.close();

    const port = await freePort();
    let server = await spawnServer(dataDir, port);
    const groups = (await call(server.url, 'GET', '/scim/v2/Groups', { token })).status === 200;
    const ledger = newLedger();
    const report: CrashReport = { rounds: [], users: 0, groups: 0, sqlite: [], seed };
    for (let round = 0; round < options.rounds; round++) {
      const acksBefore = ledger.acks;
      ledger.inFlightAtKill = 0;
      const [lo, hi] = options.killAfterMs;
      const killAfterMs = Math.round(lo + rnd() * (hi - lo));
      let killed!: () => void;
      const until = new Promise<void>((resolve) => (killed = resolve));
      const load = writeLoad({ base: server.url, token, ledger, workers: options.workers, groups, rnd, until });
      const warmUntil = Date.now() + 60_000;
      while (ledger.acks - acksBefore < (options.minAcks ?? 10) && Date.now() < warmUntil) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, killAfterMs));
      await killHard(server);
      killed();
      const { errors } = await load;
      server = await spawnServer(dataDir, port);
      const problems = [...errors, ...(await verifyAfterRestart(server.url, token, ledger, groups))];
      const entry = { acks: ledger.acks - acksBefore, inFlightAtKill: ledger.inFlightAtKill, killedAfterMs: killAfterMs, problems };
      report.rounds.push(entry);
      options.log?.(`round ${round + 1}: killed after ${killAfterMs} ms, ${entry.acks} acknowledged writes, ${entry.inFlightAtKill} in flight, ${problems.length} problems`);
    }
    report.users = ledger.users.size;
    report.groups = ledger.groups.size;
    await stopGracefully(server);
    report.sqlite = sqliteChecks(dataDir);
    return report;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
