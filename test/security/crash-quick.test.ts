import { crashScenario } from '../support/security-crash-run';
import { USERS_MOUNTED, describeIf } from '../support/security-features';

/**
 * The quick form of test/stress/crash-safety.test.ts (one round, ~4 s): `node bin/server.js` is
 * SIGKILLed under a SCIM write load and restarted; every acknowledged write must be there and
 * nothing half written. `npm run test:stress` runs five rounds with longer loads.
 */
describeIf(USERS_MOUNTED)('crash safety (quick)', () => {
  test('When the server process is SIGKILLed in the middle of SCIM writes, then after a restart every acknowledged write is present and nothing is half written', async () => {
    const report = await crashScenario({ rounds: 1, workers: 4, killAfterMs: [0, 500], minAcks: 10 });
    const problems = report.rounds.flatMap((r) => r.problems);
    expect({ seed: report.seed, problems, sqlite: report.sqlite }).toEqual({ seed: report.seed, problems: [], sqlite: [] });
    expect(report.rounds[0]!.acks).toBeGreaterThanOrEqual(10);
  }, 180_000);
});
