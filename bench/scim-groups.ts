/**
 * SCIM Groups at scale, over HTTP against the real server on a fresh SQLite file:
 *   - PATCH adding 5,000 members in one request (target < 1 s), then removing 2,500 with a value array,
 *   - GET of a 10,000-member group,
 *   - GET /Groups?excludedAttributes=members over 1,000 groups.
 * Each figure is the median of several runs, next to a floor: bare better-sqlite3 doing the same
 * row work (insert/delete/select) in one transaction, without HTTP, JSON, validation or audit.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { operatorActor } from '../src/accounts/audit';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/http/logger';
import { startGatehouse } from '../src/main';
import type { NewUser } from '../src/store/port';
import { GROUPS_SCHEMA } from '../src/store/sqlite/schema-003-groups';
import { CORE_SCHEMA } from '../src/store/sqlite/schema-001-core';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const RUNS = 5;
const USERS = 10_000;

interface Row {
  operation: string;
  medianMs: number;
  floorMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed(action: () => Promise<void> | void): Promise<number> {
  const started = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function userRow(teamId: string, i: number): NewUser {
  return { id: randomUUID(), teamId, handle: `bench.user.${i}.${teamId.slice(0, 8)}`, email: null, displayName: `Bench User ${i}`, role: 'member', status: 'active', managedBy: 'scim', externalId: `ext-${i}`, passwordHash: null, idpId: null, nameId: null, scim: {} };
}

export async function runGroupsBench(): Promise<Row[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-groups-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, CERTS_DIR: path.join(dataDir, 'certs'), LOG_LEVEL: 'silent' });
  const running = await startGatehouse(config, createLogger('silent'));
  running.services.config.publicUrl = running.url;
  const { store } = running.services;
  const rows: Row[] = [];
  try {
    const { team } = await running.services.accounts.createTeam({ name: 'Bench', ownerEmail: `owner-${randomUUID().slice(0, 8)}@bench.test`, password: 'correct horse battery', actor: operatorActor });
    const { token } = await running.services.scimTokens.create(team.id, { description: 'bench' }, operatorActor);
    const users: string[] = [];
    for (let i = 0; i < USERS; i++) users.push((await store.users.create(userRow(team.id, i))).id);

    const request = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(`${running.url}/scim/v2${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status}: ${text.slice(0, 300)}`);
      return text;
    };
    const newGroup = async (displayName: string) => JSON.parse(await request('POST', '/Groups', { displayName })).id as string;
    const members = (ids: string[]) => ids.map((value) => ({ value }));

    // 1 + 2: add 5,000 in one PATCH, then remove 2,500 with a value array.
    const addMs: number[] = [];
    const removeMs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const id = await newGroup(`Bench add ${run}`);
      const batch = users.slice(run * 1000, run * 1000 + 5000);
      addMs.push(await timed(() => request('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: members(batch) }] }).then(() => undefined)));
      removeMs.push(await timed(() => request('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members', value: members(batch.slice(0, 2500)) }] }).then(() => undefined)));
    }

    // 3: GET of a 10,000-member group.
    const big = await newGroup('Bench everyone');
    await request('PATCH', `/Groups/${big}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: members(users) }] });
    const getBigMs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      getBigMs.push(await timed(async () => {
        const body = JSON.parse(await request('GET', `/Groups/${big}`));
        if (body.members.length !== USERS) throw new Error(`expected ${USERS} members, got ${body.members.length}`);
      }));
    }

    // 4: 1,000 groups listed without members (Entra ID's excludedAttributes=members).
    for (let i = 0; i < 1000 - RUNS - 1; i++) {
      await store.groups.create({ id: randomUUID(), teamId: team.id, displayName: `Bench listed ${i}`, externalId: null, roleGranted: null }, [users[i]!]);
    }
    const listMs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      listMs.push(await timed(async () => {
        const body = JSON.parse(await request('GET', '/Groups?excludedAttributes=members&count=1000'));
        if (body.Resources.length !== 1000) throw new Error(`expected 1000 groups, got ${body.Resources.length}`);
      }));
    }

    const floor = measureFloor(users);
    rows.push({ operation: 'PATCH add 5,000 members (one request)', medianMs: median(addMs), floorMs: floor.add });
    rows.push({ operation: 'PATCH remove 2,500 members (value array)', medianMs: median(removeMs), floorMs: floor.remove });
    rows.push({ operation: 'GET group with 10,000 members', medianMs: median(getBigMs), floorMs: floor.getBig });
    rows.push({ operation: 'GET /Groups?excludedAttributes=members (1,000)', medianMs: median(listMs), floorMs: floor.list });
  } finally {
    await running.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  printTable(rows);
  return rows;
}

/** The same row work on bare better-sqlite3: prepared statements in one transaction, nothing else. */
function measureFloor(userIds: string[]): { add: number; remove: number; getBig: number; list: number } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-floor-'));
  const db = new Database(path.join(dir, 'floor.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(CORE_SCHEMA);
    db.exec(GROUPS_SCHEMA);
    const teamId = randomUUID();
    db.prepare('INSERT INTO teams (id, name, created_at) VALUES (?, ?, ?)').run(teamId, 'Floor', new Date().toISOString());
    const insertUser = db.prepare(`INSERT INTO users (id, team_id, handle, display_name, role, status, managed_by, version, created_at, updated_at) VALUES (?, ?, ?, ?, 'member', 'active', 'scim', 1, ?, ?)`);
    const now = new Date().toISOString();
    db.transaction(() => userIds.forEach((id, i) => insertUser.run(id, teamId, `floor.${i}`, `Bench User ${i}`, now, now)))();
    const insertGroup = db.prepare('INSERT INTO groups (id, team_id, display_name, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)');
    const insertMember = db.prepare('INSERT INTO group_members (group_id, user_id, team_id) VALUES (?, ?, ?)');
    const deleteMember = db.prepare('DELETE FROM group_members WHERE group_id = ? AND user_id = ?');
    const add: number[] = [];
    const remove: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const groupId = randomUUID();
      insertGroup.run(groupId, teamId, `Floor ${run}`, now, now);
      const batch = userIds.slice(run * 1000, run * 1000 + 5000);
      add.push(timedSync(() => db.transaction(() => batch.forEach((u) => insertMember.run(groupId, u, teamId)))()));
      remove.push(timedSync(() => db.transaction(() => batch.slice(0, 2500).forEach((u) => deleteMember.run(groupId, u)))()));
    }
    const big = randomUUID();
    insertGroup.run(big, teamId, 'Floor everyone', now, now);
    db.transaction(() => userIds.forEach((u) => insertMember.run(big, u, teamId)))();
    const selectMembers = db.prepare('SELECT u.id, u.display_name FROM group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = ?');
    const getBig = Array.from({ length: RUNS }, () => timedSync(() => selectMembers.all(big)));
    db.transaction(() => {
      for (let i = 0; i < 1000; i++) insertGroup.run(randomUUID(), teamId, `Floor listed ${i}`, now, now);
    })();
    const selectGroups = db.prepare('SELECT * FROM groups WHERE team_id = ? ORDER BY created_at, id LIMIT 1000');
    const list = Array.from({ length: RUNS }, () => timedSync(() => selectGroups.all(teamId)));
    return { add: median(add), remove: median(remove), getBig: median(getBig), list: median(list) };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function timedSync(action: () => unknown): number {
  const started = process.hrtime.bigint();
  action();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function printTable(rows: Row[]): void {
  const fmt = (ms: number) => ms.toFixed(1).padStart(9);
  console.log('\nSCIM Groups (SQLite, over HTTP; median of %d runs)', RUNS);
  console.log(`${'operation'.padEnd(50)} ${'ms'.padStart(9)} ${'floor ms'.padStart(9)} ${'ratio'.padStart(7)}`);
  for (const r of rows) console.log(`${r.operation.padEnd(50)} ${fmt(r.medianMs)} ${fmt(r.floorMs)} ${(r.medianMs / r.floorMs).toFixed(1).padStart(6)}×`);
}

/** The shape bench/run.ts collects from every benchmark module: a title, table rows and notes. */
export async function run(): Promise<{ title: string; rows: Array<Record<string, string | number>>; notes: string[] }> {
  const rows = await runGroupsBench();
  return {
    title: 'SCIM Groups (SQLite, over HTTP)',
    rows: rows.map((r) => ({ operation: r.operation, 'median ms': r.medianMs.toFixed(1), 'floor ms': r.floorMs.toFixed(1), ratio: `${(r.medianMs / r.floorMs).toFixed(1)}×` })),
    notes: [`median of ${RUNS} runs`, 'floor: bare better-sqlite3 doing the same row work in one transaction', 'target: the 5,000-member PATCH under 1,000 ms'],
  };
}
