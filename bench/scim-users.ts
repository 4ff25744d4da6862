/**
 * SCIM /Users under load: the real server against the floor (bare Express + the same SQLite work),
 * at 1k users and at BENCH_USERS (default 100k) users, each size on a fresh store seeded through
 * the API. Targets (issue 4): every ratio ≥ 0.5; filter p99 at 100k ≤ 1.5× at 1k; seeding 100k
 * < 60 s; server RSS < 200 MB at 100k.
 */
import autocannon, { type Request as CannonRequest, type Result } from 'autocannon';
import { startChild, type BenchTarget } from './children';
import os from 'node:os';
import { formatTable, type BenchReport } from './report';

const SMALL = 1000;
const LARGE = Number(process.env.BENCH_USERS ?? 100_000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = 16;
const SEED_CONNECTIONS = 32;

interface Measured {
  rps: number;
  p99: number;
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

async function cannon(endpoint: Endpoint, options: { amount?: number; connections?: number; seconds?: number }, request: (req: CannonRequest) => CannonRequest): Promise<Measured> {
  const result: Result = await autocannon({
    url: endpoint.origin,
    connections: options.connections ?? CONNECTIONS,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.seconds ?? DURATION }),
    headers: endpoint.headers,
    requests: [{ setupRequest: request }],
  });
  return { rps: result.requests.average, p99: result.latency.p99, failures: result.non2xx + result.errors + result.timeouts };
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

type Scenario = { name: string; run: (endpoint: Endpoint, users: number, ids: string[], seconds?: number) => Promise<Measured> };

const pick = (n: number) => Math.floor(Math.random() * n);
const filterPath = (endpoint: Endpoint, filter: string) => `${endpoint.prefix}/Users?filter=${encodeURIComponent(filter)}`;
let postCounter = 0;
let patchCounter = 0;

// Order matters: POST last, so the lookups run against exactly `users` users.
const SCENARIOS: Scenario[] = [
  { name: 'GET filter userName eq', run: (e, users, _ids, seconds) => cannon(e, { seconds }, (req) => ({ ...req, method: 'GET', path: filterPath(e, `userName eq "seed.${pick(users)}"`) })) },
  { name: 'GET filter externalId eq', run: (e, users, _ids, seconds) => cannon(e, { seconds }, (req) => ({ ...req, method: 'GET', path: filterPath(e, `externalId eq "seed.${pick(users)}@bench.test"`) })) },
  {
    name: 'PATCH active',
    run: (e, _users, ids, seconds) =>
      cannon(e, { seconds }, (req) => ({
        ...req,
        method: 'PATCH',
        path: `${e.prefix}/Users/${ids[pick(ids.length)]}`,
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: patchCounter++ % 2 === 0 } }] }),
      })),
  },
  { name: 'GET list count=100', run: (e, _users, _ids, seconds) => cannon(e, { seconds }, (req) => ({ ...req, method: 'GET', path: `${e.prefix}/Users?count=100` })) },
  { name: 'POST /Users', run: (e, _users, _ids, seconds) => cannon(e, { seconds }, (req) => ({ ...req, method: 'POST', path: `${e.prefix}/Users`, body: userBody(`post.${postCounter++}`) })) },
];

interface SizeResult {
  users: number;
  seedSeconds: Record<string, number>;
  scenarios: Record<string, Record<string, Measured>>;
  rssMb: number;
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Both servers run side by side on their own stores; each scenario is measured in ROUNDS rounds,
 * alternating which server goes first, and the medians are compared. On this shared 2-core box a
 * neighbour's burst can halve one 5-second figure; alternating rounds keep such a burst from
 * landing on one side of a ratio only.
 */
async function measureSize(users: number): Promise<SizeResult> {
  const result: SizeResult = { users, seedSeconds: {}, scenarios: {}, rssMb: 0 };
  const targets: Array<{ name: string; target: BenchTarget; endpoint: Endpoint; ids: string[] }> = [];
  try {
    for (const [name, file] of [['gatehouse', 'gatehouse-child.ts'], ['floor', 'floor-child.ts']] as const) {
      const target = await startChild(name, file, { LOG_LEVEL: 'info' });
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
    for (const { endpoint, ids } of targets) for (const scenario of SCENARIOS.slice(0, -1)) await scenario.run(endpoint, users, ids, 1);
    for (const scenario of SCENARIOS) {
      const runs: Record<string, Measured[]> = {};
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? targets : [...targets].reverse();
        for (const { name, endpoint, ids } of order) {
          const measured = await scenario.run(endpoint, users, ids);
          if (measured.failures > 0) process.stderr.write(`  ${name} ${scenario.name}: ${measured.failures} failed requests\n`);
          (runs[name] ??= []).push(measured);
        }
      }
      for (const [name, measured] of Object.entries(runs)) {
        (result.scenarios[scenario.name] ??= {})[name] = {
          rps: median(measured.map((m) => m.rps)),
          p99: median(measured.map((m) => m.p99)),
          failures: measured.reduce((sum, m) => sum + m.failures, 0),
        };
      }
    }
    result.rssMb = targets[0]!.target.rssMb();
  } finally {
    for (const { target } of targets) await target.stop();
  }
  return result;
}

async function measure(): Promise<BenchReport> {
  const sizes = [await measureSize(SMALL), await measureSize(LARGE)];
  const rows = sizes.flatMap((size) =>
    SCENARIOS.map(({ name }) => {
      const g = size.scenarios[name]!['gatehouse']!;
      const f = size.scenarios[name]!['floor']!;
      return { scenario: name, users: size.users, 'req/s': Math.round(g.rps), 'p99 ms': g.p99, 'floor req/s': Math.round(f.rps), 'floor p99 ms': f.p99, ratio: +(g.rps / f.rps).toFixed(2), failed: g.failures };
    }),
  );
  const [small, large] = sizes as [SizeResult, SizeResult];
  const p99Growth = (name: string) => large.scenarios[name]!['gatehouse']!.p99 / Math.max(1, small.scenarios[name]!['gatehouse']!.p99);
  const worstRatio = Math.min(...rows.map((r) => r.ratio));
  const notes = [
    `seeding ${SMALL} users: gatehouse ${small.seedSeconds['gatehouse']!.toFixed(1)} s, floor ${small.seedSeconds['floor']!.toFixed(1)} s`,
    `seeding ${LARGE} users: gatehouse ${large.seedSeconds['gatehouse']!.toFixed(1)} s, floor ${large.seedSeconds['floor']!.toFixed(1)} s (target < 60 s for 100k)`,
    `server RSS after the ${SMALL} run: ${small.rssMb.toFixed(0)} MB; after the ${LARGE} run: ${large.rssMb.toFixed(0)} MB (target < 200 MB)`,
    `p99 growth ${SMALL} → ${LARGE}: userName eq ×${p99Growth('GET filter userName eq').toFixed(2)}, externalId eq ×${p99Growth('GET filter externalId eq').toFixed(2)} (target ≤ 1.5; p99 below 1 ms counts as 1 ms)`,
    `worst ratio to floor: ${worstRatio} (target ≥ 0.5)`,
    `${CONNECTIONS} connections; each scenario ${ROUNDS} rounds of ${DURATION} s per server, alternating, medians shown; 1 s of warm-up per scenario; seeding with ${SEED_CONNECTIONS} connections; autocannon runs in this process, each server in its own`,
  ];
  return { title: 'SCIM /Users vs. bare Express + better-sqlite3', rows, notes };
}

/** Runs both sizes and prints the table and the target checks. */
export async function benchScimUsers(): Promise<BenchReport> {
  process.stdout.write(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GB\n`);
  const started = Date.now();
  const report = await measure();
  process.stdout.write(`\n## ${report.title}\n\n${formatTable(report.rows)}\n\n${report.notes.map((n) => `- ${n}`).join('\n')}\n\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return report;
}
