import { crashScenario } from '../support/security-crash-run';
import { USERS_MOUNTED, describeIf } from '../support/security-features';

/**
 * `npm run test:stress`: the server process is SIGKILLed at random moments under a SCIM write
 * load (creates and PATCHes of users, and of groups once /Groups exists), restarted over the
 * same DATA_DIR, and checked: every acknowledged write is there, no user or group is half
 * written, no group member points at a missing user, and SQLite's integrity and foreign-key
 * checks pass. Five rounds, each killing at a random point 0-3 s after the first 10 acknowledged writes.
 */
describeIf(USERS_MOUNTED)('crash safety (stress)', () => {
  test('When the server is SIGKILLed 5 times under a SCIM write load, then every acknowledged write survives and nothing is half written', async () => {
    const report = await crashScenario({ rounds: 5, workers: 6, killAfterMs: [0, 3000], minAcks: 10, log: (line) => process.stdout.write(`${line}\n`) });
    const problems = report.rounds.flatMap((r, i) => r.problems.map((p) => `round ${i + 1}: ${p}`));
    expect({ seed: report.seed, problems, sqlite: report.sqlite }).toEqual({ seed: report.seed, problems: [], sqlite: [] });
    // The load really wrote, and some requests really were cut off by the kill.
    expect(report.rounds.every((r) => r.acks >= 10)).toBe(true);
    expect(report.rounds.reduce((n, r) => n + r.inFlightAtKill, 0)).toBeGreaterThan(0);
  });
});
