/**
 * Rate limits across instances: two real Gatehouse processes on one SQLite file count sign-in
 * attempts in the store, so alternating between them buys an attacker nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { call } from '../../support/http';
import { runCli, sharedStoreEnv, sharedStoreName, startProcess, type GatehouseProcess } from './processes';

describe(`Rate limits shared by two processes over ${sharedStoreName}`, () => {
  let dir: string;
  let a: GatehouseProcess;
  let b: GatehouseProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-limits-'));
    env = { ...sharedStoreEnv(dir), PUBLIC_URL: 'http://gatehouse.test', LOGIN_RATE_LIMIT: '4' };
    const created = await runCli(['team', 'create', '--init', '--name', 'Acme', '--owner-email', 'ada@acme.test', '--password-stdin', '--json'], env, 'ada-password-1\n');
    if (created.code !== 0) throw new Error(created.stderr);
    a = await startProcess(env);
    b = await startProcess(env);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const guess = (p: GatehouseProcess, password: string) => call(p.url, 'POST', '/login?persist=false', { json: { email: 'ada@acme.test', password } });

  test('When an attacker alternates wrong passwords between the two processes, then the 5th attempt (LOGIN_RATE_LIMIT=4) is refused on either, even with the right password', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await guess([a, b][i % 2]!, `wrong-guess-${i}`)).status);
    expect(statuses).toEqual([403, 403, 403, 403]);
    const fifth = await guess(a, 'ada-password-1');
    expect(fifth.status).toBe(429);
    expect(fifth.body).toMatchObject({ label: 'too-many-logins' });
    expect((await guess(b, 'ada-password-1')).status).toBe(429);
  });

  test('When the attempts for one account race on both processes at once, then exactly LOGIN_RATE_LIMIT of them are checked', async () => {
    await runCli(['team', 'create', '--name', 'Globex', '--owner-email', 'hank@globex.test', '--password-stdin', '--json'], env, 'hank-password-1\n');
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => call([a, b][i % 2]!.url, 'POST', '/login?persist=false', { json: { email: 'hank@globex.test', password: `wrong-${i}` } })));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 403)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
  });
});
