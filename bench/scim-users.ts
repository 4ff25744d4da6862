/**
 * SCIM /Users under load: the real server against two floors, each a bare Express app answering the
 * same requests with the same bodies — the schema floor (Gatehouse's own tables and indexes, the
 * SQLite work Gatehouse does) and the minimal floor (one table, the SCIM JSON in a column) — at 1k
 * users and at BENCH_USERS (default 100k) users, each size on fresh stores seeded through the API,
 * at 10 connections and at 1 (a lone client: mean latency on a sub-millisecond clock).
 * Targets (issue 4, schema floor): every ratio ≥ 0.5; filter p99 at 100k ≤ 1.5× at 1k.
 * Targets (issue 20, minimal floor, 10 connections): POST, PATCH, filter and list ≥ 0.6; seeding
 * 100k at 10 connections < 50 s; server RSS < 170 MB at 100k.
 */
import autocannon, { type Request as CannonRequest, type Result } from 'autocannon';
import { startChild, type BenchTarget } from './children';
import http from 'node:http';
import os from 'node:os';
import { formatTable, type BenchReport } from './report';

const SMALL = 1000;
const LARGE = Number(process.env.BENCH_USERS ?? 100_000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 3);
/** The independent harness's concurrency: IdPs provision with modest concurrency. */
const CONNECTIONS = 10;
const SEED_CONNECTIONS = 10;
const SERVERS = [
  ['gatehouse', 'gatehouse-child.ts'],
  ['floor', 'floor-child.ts'],
  ['minimal', 'minimal-floor-child.ts'],
] as const;
type ServerName = (typeof SERVERS)[number][0];
const CONCURRENCIES = [CONNECTIONS, 1] as const;

interface Measured {
  rps: number;
  p99: number;
  /** Mean latency in ms (sub-millisecond resolution at 1 connection). */
  mean: number;
  failures: number;
}

interface Endpoint {
  origin: string;
  prefix: string;
  headers: Record<string, string>;
}

function endpointOf(target: BenchTarget): Endpoint {
  const url = new URL(target.url);
  return { origin: url.origin, prefix: url.pathname.replace(/\/$/, ''), headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/scim+json' } };
}

/** The POST /Users body every SCIM benchmark sends (also bench/profile.ts). */
export const userBody = (name: string) =>
  JSON.stringify({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: name,
    externalId: `${name}@bench.test`,
    displayName: `Bench ${name}`,
    name: { givenName: 'Bench', familyName: name },
    emails: [{ type: 'work', primary: true, value: `${name}@bench.test` }],
    active: true,
  });

interface CannonOptions {
  amount?: number;
  connections?: number;
  seconds?: number;
}

/**
 * Many connections: autocannon. One connection: a sequential keep-alive loop timed with
 * process.hrtime, so a lone write's latency is read in microseconds (autocannon's histogram counts
 * whole milliseconds, and a lone SCIM write takes less than one).
 */
async function cannon(endpoint: Endpoint, options: CannonOptions, request: (req: CannonRequest) => CannonRequest): Promise<Measured> {
  if (options.connections === 1 && options.amount === undefined) return sequential(endpoint, options.seconds ?? DURATION, request);
  const result: Result = await autocannon({
    url: endpoint.origin,
    connections: options.connections ?? CONNECTIONS,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.seconds ?? DURATION }),
    headers: endpoint.headers,
    requests: [{ setupRequest: request }],
  });
  return { rps: result.requests.average, p99: result.latency.p99, mean: result.latency.mean, failures: result.non2xx + result.errors + result.timeouts };
}

const loneAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function send(endpoint: Endpoint, req: CannonRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = typeof req.body === 'string' ? req.body : undefined;
    const outgoing = http.request(`${endpoint.origin}${req.path}`, { method: req.method, agent: loneAgent, headers: { ...endpoint.headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function sequential(endpoint: Endpoint, seconds: number, request: (req: CannonRequest) => CannonRequest): Promise<Measured> {
  const latencies: number[] = [];
  let failures = 0;
  const started = process.hrtime.bigint();
  const until = started + BigInt(Math.round(seconds * 1e9));
  for (let now = started; now < until; ) {
    const status = await send(endpoint, request({} as CannonRequest));
    const done = process.hrtime.bigint();
    latencies.push(Number(done - now) / 1e6);
    if (status >= 300) failures++;
    now = done;
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const sorted = [...latencies].sort((a, b) => a - b);
  return { rps: latencies.length / elapsed, p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0, mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length), failures };
}

/** Creates `count` users named seed.0… through POST /Users, concurrently; returns seconds taken. */
async function seed(endpoint: Endpoint, count: number): Promise<{ seconds: number; failures: number }> {
  let next = 0;
  const started = process.hrtime.bigint();
  const measured = await cannon(endpoint, { amount: count, connections: SEED_CONNECTIONS }, (req) => ({ ...req, method: 'POST', path: `${endpoint.prefix}/Users`, body: userBody(`seed.${next++}`) }));
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, failures: measured.failures };
}

/** Ids of 1000 seeded users (not the team owner, which has no externalId and is not the IdP's to patch). */
async function someIds(endpoint: Endpoint): Promise<string[]> {
  const res = await fetch(`${endpoint.origin}${endpoint.prefix}/Users?count=1000&filter=${encodeURIComponent('userName sw "seed."')}`, { headers: endpoint.headers });
  const body = (await res.json()) as { Resources: Array<{ id: string }> };
  return body.Resources.map((u) => u.id);
}

type Scenario = { name: string; run: (endpoint: Endpoint, users: number, ids: string[], options: CannonOptions) => Promise<Measured> };

const pick = (n: number) => Math.floor(Math.random() * n);
const filterPath = (endpoint: Endpoint, filter: string) => `${endpoint.prefix}/Users?filter=${encodeURIComponent(filter)}`;
let postCounter = 0;
let patchCounter = 0;

// Order matters: POST last, so the lookups run against exactly `users` users.
const SCENARIOS: Scenario[] = [
  { name: 'GET filter userName eq', run: (e, users, _ids, options) => cannon(e, options, (req) => ({ ...req, method: 'GET', path: filterPath(e, `userName eq "seed.${pick(users)}"`) })) },
  { name: 'GET filter externalId eq', run: (e, users, _ids, options) => cannon(e, options, (req) => ({ ...req, method: 'GET', path: filterPath(e, `externalId eq "seed.${pick(users)}@bench.test"`) })) },
  {
    name: 'PATCH active',
    run: (e, _users, ids, options) =>
      cannon(e, options, (req) => ({
        ...req,
        method: 'PATCH',
        path: `${e.prefix}/Users/${ids[pick(ids.length)]}`,
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: patchCounter++ % 2 === 0 } }] }),
      })),
  },
  { name: 'GET list count=100', run: (e, _users, _ids, options) => cannon(e, options, (req) => ({ ...req, method: 'GET', path: `${e.prefix}/Users?count=100` })) },
  { name: 'POST /Users', run: (e, _users, _ids, options) => cannon(e, options, (req) => ({ ...req, method: 'POST', path: `${e.prefix}/Users`, body: userBody(`post.${postCounter++}`) })) },
];

interface SizeResult {
  users: number;
  seedSeconds: Partial<Record<ServerName, number>>;
  /** scenario → connections → server → figures */
  scenarios: Record<string, Record<number, Partial<Record<ServerName, Measured>>>>;
  rssMb: number;
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

export type BenchScimProfile = 'strict' | 'directory';

/** BENCH_SCIM_PROFILES (comma-separated, default "strict,directory"): the team SCIM profiles to run the scenarios in. */
export function benchScimProfiles(text = process.env.BENCH_SCIM_PROFILES ?? 'strict,directory'): BenchScimProfile[] {
  const profiles = text.split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of profiles) if (p !== 'strict' && p !== 'directory') throw new Error(`BENCH_SCIM_PROFILES: "${p}" is not a SCIM profile; use strict, directory or both (comma-separated)`);
  return profiles as BenchScimProfile[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * The three servers run side by side on their own stores; each scenario is measured in ROUNDS
 * rounds, rotating which server goes first, and the medians are compared. On this shared 2-core box
 * a neighbour's burst can halve one figure; rotating rounds keep such a burst from landing on one
 * side of a ratio only.
 */
async function measureSize(users: number, profile: BenchScimProfile): Promise<SizeResult> {
  const result: SizeResult = { users, seedSeconds: {}, scenarios: {}, rssMb: 0 };
  const targets: Array<{ name: ServerName; target: BenchTarget; endpoint: Endpoint; ids: string[] }> = [];
  try {
    for (const [name, file] of SERVERS) {
      const target = await startChild(name, file, { LOG_LEVEL: 'info', BENCH_SCIM_PROFILE: profile });
      const endpoint = endpointOf(target);
      targets.push({ name, target, endpoint, ids: [] });
      process.stderr.write(`[${name} @ ${users}] seeding…`);
      const seeded = await seed(endpoint, users);
      if (seeded.failures > 0) throw new Error(`${name}: ${seeded.failures} seeding requests failed`);
      result.seedSeconds[name] = seeded.seconds;
      process.stderr.write(` ${seeded.seconds.toFixed(1)} s\n`);
      targets.at(-1)!.ids = await someIds(endpoint);
    }
    // One unmeasured second of every read/patch scenario first: a fresh process is still compiling hot paths.
    for (const { endpoint, ids } of targets) for (const scenario of SCENARIOS.slice(0, -1)) await scenario.run(endpoint, users, ids, { seconds: 1 });
    for (const scenario of SCENARIOS) {
      for (const connections of CONCURRENCIES) {
        const runs: Partial<Record<ServerName, Measured[]>> = {};
        for (let round = 0; round < ROUNDS; round++) {
          const order = [...targets.slice(round % targets.length), ...targets.slice(0, round % targets.length)];
          for (const { name, endpoint, ids } of order) {
            const measured = await scenario.run(endpoint, users, ids, { connections });
            if (measured.failures > 0) process.stderr.write(`  ${name} ${scenario.name} ×${connections}: ${measured.failures} failed requests\n`);
            (runs[name] ??= []).push(measured);
          }
        }
        const byServer: Partial<Record<ServerName, Measured>> = {};
        for (const [name, measured] of Object.entries(runs) as Array<[ServerName, Measured[]]>) {
          byServer[name] = {
            rps: median(measured.map((m) => m.rps)),
            p99: median(measured.map((m) => m.p99)),
            mean: median(measured.map((m) => m.mean)),
            failures: measured.reduce((sum, m) => sum + m.failures, 0),
          };
        }
        (result.scenarios[scenario.name] ??= {})[connections] = byServer;
      }
    }
    result.rssMb = targets[0]!.target.rssMb();
  } finally {
    for (const { target } of targets) await target.stop();
  }
  return result;
}

const ratio = (a: number, b: number) => +(a / b).toFixed(2);
const metOrNot = (met: boolean) => (met ? 'met' : 'NOT met');

async function measure(profile: BenchScimProfile): Promise<BenchReport> {
  const sizes = [await measureSize(SMALL, profile), await measureSize(LARGE, profile)];
  const rows = sizes.flatMap((size) =>
    SCENARIOS.flatMap(({ name }) =>
      CONCURRENCIES.map((connections) => {
        const at = size.scenarios[name]![connections]!;
        const [g, f, m] = [at.gatehouse!, at.floor!, at.minimal!];
        const latency = connections === 1 ? { 'mean ms': g.mean.toFixed(3), 'minimal mean ms': m.mean.toFixed(3) } : { 'mean ms': '', 'minimal mean ms': '' };
        return {
          scenario: name,
          users: size.users,
          conns: connections,
          'req/s': Math.round(g.rps),
          'p99 ms': +g.p99.toFixed(2),
          'floor req/s': Math.round(f.rps),
          'vs floor': ratio(g.rps, f.rps),
          'minimal req/s': Math.round(m.rps),
          'vs minimal': ratio(g.rps, m.rps),
          ...latency,
          failed: g.failures,
        };
      }),
    ),
  );
  const [small, large] = sizes as [SizeResult, SizeResult];
  const p99Growth = (name: string) => large.scenarios[name]![CONNECTIONS]!.gatehouse!.p99 / Math.max(1, small.scenarios[name]![CONNECTIONS]!.gatehouse!.p99);
  const worstSchema = Math.min(...rows.map((r) => r['vs floor']));
  const minimalAt10 = rows.filter((r) => r.users === LARGE && r.conns === CONNECTIONS).map((r) => r['vs minimal']);
  const worstMinimal = Math.min(...minimalAt10);
  const seed = large.seedSeconds;
  const notes = [
    `seeding ${SMALL} users at ${SEED_CONNECTIONS} connections: gatehouse ${small.seedSeconds.gatehouse!.toFixed(1)} s, floor ${small.seedSeconds.floor!.toFixed(1)} s, minimal ${small.seedSeconds.minimal!.toFixed(1)} s`,
    `seeding ${LARGE} users at ${SEED_CONNECTIONS} connections: gatehouse ${seed.gatehouse!.toFixed(1)} s, floor ${seed.floor!.toFixed(1)} s, minimal ${seed.minimal!.toFixed(1)} s (target < 50 s for 100k: ${metOrNot(seed.gatehouse! < 50 * (LARGE / 100_000))})`,
    `server RSS after the ${SMALL} run: ${small.rssMb.toFixed(0)} MB; after the ${LARGE} run: ${large.rssMb.toFixed(0)} MB (target < 170 MB: ${metOrNot(large.rssMb < 170)})`,
    `p99 growth ${SMALL} → ${LARGE} at ${CONNECTIONS} connections: userName eq ×${p99Growth('GET filter userName eq').toFixed(2)}, externalId eq ×${p99Growth('GET filter externalId eq').toFixed(2)} (target ≤ 1.5; p99 below 1 ms counts as 1 ms)`,
    `worst ratio to the schema floor: ${worstSchema} (target ≥ 0.5: ${metOrNot(worstSchema >= 0.5)})`,
    `worst ratio to the minimal floor at ${LARGE} users, ${CONNECTIONS} connections: ${worstMinimal} (target ≥ 0.6: ${metOrNot(worstMinimal >= 0.6)})`,
    `${CONCURRENCIES.join(' and ')} connections; each scenario ${ROUNDS} rounds of ${DURATION} s per server, rotating, medians shown; 1 s of warm-up per scenario; 1 connection is a sequential keep-alive client timed with process.hrtime`,
  ];
  return { title: `SCIM /Users (${profile} SCIM profile) vs. the schema floor and the minimal floor`, rows, notes };
}

/** Runs both sizes in one team SCIM profile and prints the table and the target checks. */
export async function benchScimUsers(profile: BenchScimProfile = 'strict'): Promise<BenchReport> {
  process.stdout.write(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GB\n`);
  const started = Date.now();
  const report = await measure(profile);
  process.stdout.write(`\n## ${report.title}\n\n${formatTable(report.rows)}\n\n${report.notes.map((n) => `- ${n}`).join('\n')}\n\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return report;
}
