/**
 * Crash safety: a bounded SCIM write load over loopback against a server process, a ledger of
 * what the server acknowledged (2xx) and what was still in flight, and the checks that run after
 * the process was SIGKILLed and started again.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import path from 'node:path';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface Ledger {
  /** Acknowledged creates: id → userName. */
  users: Map<string, string>;
  /** Per user: the displayName of the last acknowledged write, and those sent after it without an answer. */
  displayNames: Map<string, { acked: string; unacked: string[] }>;
  groups: Map<string, string>;
  /** Per group: members whose addition was acknowledged. */
  members: Map<string, Set<string>>;
  acks: number;
  inFlightAtKill: number;
}

export function newLedger(): Ledger {
  return { users: new Map(), displayNames: new Map(), groups: new Map(), members: new Map(), acks: 0, inFlightAtKill: 0 };
}

async function scim(base: string, token: string, method: string, p: string, json?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/scim/v2${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const pick = <T>(items: T[], rnd: () => number): T | undefined => (items.length ? items[Math.floor(rnd() * items.length)] : undefined);

/** Deterministic PRNG so a failing run can be repeated with its seed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/**
 * Runs `workers` sequential writers until `stop()` resolves or the server stops answering.
 * Each worker has at most one request in flight; the ledger records acknowledgements only
 * after the 2xx answer arrived, and the in-flight request's intent before it is sent.
 */
export async function writeLoad(options: { base: string; token: string; ledger: Ledger; workers: number; groups: boolean; rnd: () => number; until: Promise<void> }): Promise<{ errors: string[] }> {
  const { base, token, ledger, rnd } = options;
  let stopped = false;
  void options.until.then(() => (stopped = true));
  const errors: string[] = [];

  async function worker(w: number): Promise<void> {
    const mine: string[] = [];
    while (!stopped) {
      const r = rnd();
      const userIds = [...ledger.users.keys()];
      // Each worker renames only users it created: one writer per user keeps "last acknowledged" well defined.
      const ownIds = mine;
      const groupIds = [...ledger.groups.keys()];
      try {
        if (r < 0.5 || ownIds.length < 2) {
          const userName = `u${w}.${randomUUID().slice(0, 12)}`;
          const res = await scim(base, token, 'POST', '/Users', { schemas: [USER_SCHEMA], userName, externalId: `${userName}@crash.test`, displayName: `Created ${userName}`, emails: [{ value: `${userName}@crash.test`, primary: true, type: 'work' }] });
          if (res.status === 201) {
            ledger.users.set(res.body.id, userName);
            mine.push(res.body.id);
            ledger.displayNames.set(res.body.id, { acked: `Created ${userName}`, unacked: [] });
            ledger.acks++;
          } else if (res.status >= 500) errors.push(`POST /Users → ${res.status} ${JSON.stringify(res.body)}`);
        } else if (r < 0.8 || !options.groups) {
          const id = pick(ownIds, rnd)!;
          const name = `Renamed ${randomUUID().slice(0, 8)}`;
          const entry = ledger.displayNames.get(id)!;
          entry.unacked.push(name);
          const res = await scim(base, token, 'PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: name }] });
          if (res.status === 200 || res.status === 204) {
            ledger.displayNames.set(id, { acked: name, unacked: [] });
            ledger.acks++;
          } else if (res.status >= 500) errors.push(`PATCH /Users → ${res.status} ${JSON.stringify(res.body)}`);
        } else if (r < 0.85 || groupIds.length === 0) {
          const displayName = `g${w}.${randomUUID().slice(0, 12)}`;
          const first = pick(userIds, rnd)!;
          const res = await scim(base, token, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, members: [{ value: first }] });
          if (res.status === 201) {
            ledger.groups.set(res.body.id, displayName);
            ledger.members.set(res.body.id, new Set([first]));
            ledger.acks++;
          } else if (res.status >= 500) errors.push(`POST /Groups → ${res.status} ${JSON.stringify(res.body)}`);
        } else {
          const groupId = pick(groupIds, rnd)!;
          const add = [pick(userIds, rnd)!, pick(userIds, rnd)!];
          const res = await scim(base, token, 'PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: add.map((value) => ({ value })) }] });
          if (res.status === 200 || res.status === 204) {
            for (const m of add) ledger.members.get(groupId)!.add(m);
            ledger.acks++;
          } else if (res.status >= 500) errors.push(`PATCH /Groups → ${res.status} ${JSON.stringify(res.body)}`);
        }
      } catch {
        // The server went away under this request: its outcome is unknown (the ledger already
        // holds the intent where it matters). Stop this worker.
        ledger.inFlightAtKill++;
        return;
      }
    }
  }
  await Promise.all(Array.from({ length: options.workers }, (_, w) => worker(w)));
  return { errors };
}

async function listAll(base: string, token: string, resource: 'Users' | 'Groups'): Promise<any[]> {
  const out: any[] = [];
  for (let start = 1; ; start += 500) {
    const res = await scim(base, token, 'GET', `/${resource}?startIndex=${start}&count=500`);
    if (res.status !== 200) throw new Error(`GET /${resource} → ${res.status} ${JSON.stringify(res.body)}`);
    out.push(...res.body.Resources);
    if (res.body.Resources.length === 0 || out.length >= res.body.totalResults) return out;
  }
}

/** Every problem found after a restart: lost acknowledged writes, half-written users/groups, dangling members. */
export async function verifyAfterRestart(base: string, token: string, ledger: Ledger, groups: boolean): Promise<string[]> {
  const problems: string[] = [];
  const users = await listAll(base, token, 'Users');
  const byId = new Map(users.map((u) => [u.id as string, u]));
  for (const u of users) {
    if (typeof u.id !== 'string' || typeof u.userName !== 'string' || !u.userName) problems.push(`user without id/userName: ${JSON.stringify(u)}`);
    if (!Array.isArray(u.schemas) || !u.schemas.includes(USER_SCHEMA)) problems.push(`user ${u.id} without the User schema`);
    if (!u.meta?.created || !u.meta?.lastModified || !u.meta?.version) problems.push(`user ${u.id} without meta`);
  }
  for (const [id, userName] of ledger.users) {
    const u = byId.get(id);
    if (!u) problems.push(`acknowledged user ${userName} (${id}) is missing`);
    else if (u.userName !== userName) problems.push(`user ${id} has userName ${u.userName}, acknowledged ${userName}`);
  }
  for (const [id, { acked, unacked }] of ledger.displayNames) {
    const u = byId.get(id);
    if (u && u.displayName !== acked && !unacked.includes(u.displayName)) problems.push(`user ${id} has displayName ${u.displayName}; acknowledged ${acked} (in flight: ${unacked.join(', ') || 'none'})`);
  }
  if (!groups) return problems;
  const allGroups = await listAll(base, token, 'Groups');
  const groupsById = new Map(allGroups.map((g) => [g.id as string, g]));
  for (const g of allGroups) {
    if (typeof g.displayName !== 'string' || !g.displayName) problems.push(`group ${g.id} without displayName`);
    // Members come back on GET /Groups/{id} (lists may leave them out).
    const one = await scim(base, token, 'GET', `/Groups/${g.id}`);
    for (const m of one.body.members ?? []) if (!byId.has(m.value)) problems.push(`group ${g.id} has member ${m.value} that is not a user`);
    if (ledger.members.has(g.id)) {
      const present = new Set((one.body.members ?? []).map((m: { value: string }) => m.value));
      for (const m of ledger.members.get(g.id)!) if (!present.has(m)) problems.push(`group ${g.id} lost acknowledged member ${m}`);
    }
  }
  for (const [id, displayName] of ledger.groups) if (!groupsById.has(id)) problems.push(`acknowledged group ${displayName} (${id}) is missing`);
  return problems;
}

/** SQLite's own view of the file after the last process is gone. */
export function sqliteChecks(dataDir: string): string[] {
  const db = new Database(path.join(dataDir, 'gatehouse.db'), { fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    const foreign = db.pragma('foreign_key_check') as unknown[];
    const problems: string[] = [];
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    if (foreign.length) problems.push(`foreign_key_check: ${JSON.stringify(foreign.slice(0, 5))}`);
    return problems;
  } finally {
    db.close();
  }
}
