/**
 * `npm run bench:profile -- <scenario> [users]`: where a SCIM request's time goes. Starts the real
 * server (compiled, as bench/children.ts runs it), seeds `users` users through POST /Users (timed),
 * runs one scenario (filter | patch | list | post) with 16 connections (BENCH_CONNECTIONS) and prints req/s, the server's
 * CPU time per request and its memory by mapping; then profiles a second window and prints the
 * functions with the most self time, the heaviest files and packages, and our functions' inclusive time.
 * PROFILE=0 skips the profile; BENCH_NODE_FLAGS adds node flags to the server (e.g. to compare V8
 * settings); BENCH_GC=1 with BENCH_NODE_FLAGS=--expose-gc reports memory after a full GC.
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { startChild } from './children';
import { userBody } from './scim-users';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const scenario = process.argv[2] ?? 'filter';
const users = Number(process.argv[3] ?? 2000);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
// BENCH_CONNECTIONS=1: one request at a time (a lone write's latency path).
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);


async function main(): Promise<void> {
  const target = await startChild('gatehouse', 'gatehouse-child.ts', { LOG_LEVEL: 'info' }, (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean));
  const url = new URL(target.url);
  const prefix = url.pathname.replace(/\/$/, '');
  const headers = { authorization: `Bearer ${target.token}`, 'content-type': 'application/scim+json' };
  let n = 0;
  const seedStarted = Date.now();
  await autocannon({ url: url.origin, connections: 32, amount: users, headers, requests: [{ setupRequest: (r) => ({ ...r, method: 'POST', path: `${prefix}/Users`, body: userBody(`seed.${n++}`) }) }] });
  process.stdout.write(`seeded ${users} users through POST /Users in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s\n`);
  const list = (await (await fetch(`${url.origin}${prefix}/Users?count=1000&filter=${encodeURIComponent('userName sw "seed."')}`, { headers })).json()) as { Resources: Array<{ id: string }> };
  const ids = list.Resources.map((u) => u.id);
  const pick = (k: number) => Math.floor(Math.random() * k);
  let flip = 0;
  const request = (r: autocannon.Request): autocannon.Request => {
    switch (scenario) {
      case 'patch':
        return { ...r, method: 'PATCH', path: `${prefix}/Users/${ids[pick(ids.length)]}`, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: flip++ % 2 === 0 } }] }) };
      case 'list':
        return { ...r, method: 'GET', path: `${prefix}/Users?count=100` };
      case 'post':
        return { ...r, method: 'POST', path: `${prefix}/Users`, body: userBody(`post.${n++}`) };
      default:
        return { ...r, method: 'GET', path: `${prefix}/Users?filter=${encodeURIComponent(`userName eq "seed.${pick(users)}"`)}` };
    }
  };
  await autocannon({ url: url.origin, connections, duration: 1, headers, requests: [{ setupRequest: request }] }); // warm-up
  const ask = <T>(message: object, key: string) =>
    new Promise<T>((resolve) => {
      const listener = (reply: Record<string, unknown>) => {
        if (key in reply) {
          target.process.off('message', listener);
          resolve(reply[key] as T);
        }
      };
      target.process.on('message', listener);
      target.process.send(message);
    });
  // Server CPU time per request first (no profiler attached): steadier than req/s on a shared box.
  const cpuBefore = await ask<NodeJS.CpuUsage>({ cpu: true }, 'cpuUs');
  const plain = await autocannon({ url: url.origin, connections, duration: seconds, headers, requests: [{ setupRequest: request }] });
  const cpuAfter = await ask<NodeJS.CpuUsage>({ cpu: true }, 'cpuUs');
  const cpuPerRequest = (cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) / plain.requests.total;
  // Kernel time apart: socket and WAL writes land there, not in the JavaScript profile below.
  const systemPerRequest = (cpuAfter.system - cpuBefore.system) / plain.requests.total;
  process.stdout.write(`${scenario} @ ${users} users: ${Math.round(plain.requests.average)} req/s, p99 ${plain.latency.p99} ms, ${plain.non2xx} non-2xx, server CPU ${cpuPerRequest.toFixed(0)} µs/request (${systemPerRequest.toFixed(0)} in the kernel), RSS ${target.rssMb().toFixed(0)} MB\n`);
  const memory = await ask<NodeJS.MemoryUsage>({ cpu: true }, 'memory');
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
  process.stdout.write(`memory: rss ${mb(memory.rss)}, heap ${mb(memory.heapUsed)} used of ${mb(memory.heapTotal)}, external ${mb(memory.external)}, array buffers ${mb(memory.arrayBuffers)}\n`);
  // Resident memory by mapping (anonymous memory, the node binary, better-sqlite3's addon, the database file…).
  const byMapping = new Map<string, number>();
  let mapping = '';
  for (const line of readFileSync(`/proc/${target.process.pid}/smaps`, 'utf8').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) mapping = header[1] ? header[1].replace(/.*\//, '') : '[anonymous]';
    const rss = /^Rss:\s+(\d+)/.exec(line);
    if (rss) byMapping.set(mapping, (byMapping.get(mapping) ?? 0) + Number(rss[1]));
  }
  process.stdout.write(`resident: ${[...byMapping].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([name, kb]) => `${name} ${Math.round(kb / 1024)} MB`).join(', ')}\n`);
  if (process.env.PROFILE === '0') {
    await target.stop();
    return;
  }
  await ask({ profile: 'start' }, 'profiling');
  await autocannon({ url: url.origin, connections, duration: seconds, headers, requests: [{ setupRequest: request }] });
  const file = await ask<string>({ profile: 'stop' }, 'profile');
  await target.stop();
  report(JSON.parse(readFileSync(file, 'utf8')) as Profile, file);
}

function report(profile: Profile, file: string): void {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const short = url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'nm/').replace(/.*\/work\/[^/]+\//, '');
    fns.set(`${functionName || '(anon)'} ${short}:${lineNumber + 1}`, (fns.get(`${functionName || '(anon)'} ${short}:${lineNumber + 1}`) ?? 0) + us);
    const group = short.startsWith('nm/') ? short.split('/').slice(0, short.startsWith('nm/@') ? 3 : 2).join('/') : short || functionName;
    files.set(group, (files.get(group) ?? 0) + us);
  }
  // Inclusive time: each sample counts once for every distinct function on its stack.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
      if (!url.includes('/src/') && !url.includes('/bench/')) continue;
      seen.add(`${functionName || '(anon)'} ${url.replace(/.*\/work\/[^/]+\//, '')}:${lineNumber + 1}`);
    }
    for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, us]) => `${((100 * us) / total).toFixed(1).padStart(5)} %  ${name}`).join('\n');
  process.stdout.write(`\nprofile ${file}\n\n## self time by function\n${top(fns, 40)}\n\n## self time by file or package\n${top(files, 30)}\n\n## inclusive time of our own functions\n${top(inclusive, 40)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
