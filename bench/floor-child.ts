/**
 * Bench child: the floor. A bare Express 5 app doing the same better-sqlite3 work as /Users
 * (insert, indexed lookup, update, first page + count) with no SCIM logic, auth, audit or logging.
 * What Gatehouse costs on top of this is the price of being a SCIM server.
 */
import Database from 'better-sqlite3';
import express from 'express';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-floor-'));
const db = new Database(path.join(dir, 'floor.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE users (id TEXT PRIMARY KEY, team_id TEXT NOT NULL, handle TEXT NOT NULL, external_id TEXT, display_name TEXT NOT NULL,
  status TEXT NOT NULL, scim TEXT NOT NULL, version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
  CREATE UNIQUE INDEX users_handle ON users (handle COLLATE NOCASE);
  CREATE UNIQUE INDEX users_team_external_id ON users (team_id, external_id);
  CREATE INDEX users_team_created ON users (team_id, created_at, id);`);

const TEAM = randomUUID();
const insert = db.prepare(`INSERT INTO users VALUES (@id, @team_id, @handle, @external_id, @display_name, @status, @scim, 1, @now, @now) RETURNING *`);
const byHandle = db.prepare('SELECT * FROM users WHERE team_id = ? AND handle = ? COLLATE NOCASE');
const byExternalId = db.prepare('SELECT * FROM users WHERE team_id = ? AND external_id = ?');
const setStatus = db.prepare('UPDATE users SET status = ?, version = version + 1, updated_at = ? WHERE id = ? AND team_id = ? RETURNING *');
const count = db.prepare('SELECT count(*) FROM users WHERE team_id = ?').pluck();
const page = db.prepare('SELECT * FROM users WHERE team_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?');

const app = express();
app.use(express.json({ type: ['application/json', 'application/scim+json'] }));
app.post('/Users', (req, res) => {
  const { userName, externalId, displayName, active, ...rest } = req.body as Record<string, unknown>;
  try {
    const row = insert.get({ id: randomUUID(), team_id: TEAM, handle: userName, external_id: externalId, display_name: displayName, status: active === false ? 'suspended' : 'active', scim: JSON.stringify(rest), now: new Date().toISOString() });
    res.status(201).json(row);
  } catch {
    res.status(409).json({ detail: 'taken' });
  }
});
app.get('/Users', (req, res) => {
  const filter = typeof req.query.filter === 'string' ? /^(userName|externalId) eq "(.*)"$/.exec(req.query.filter) : null;
  if (filter) {
    const row = (filter[1] === 'userName' ? byHandle : byExternalId).get(TEAM, filter[2]);
    res.json({ totalResults: row ? 1 : 0, Resources: row ? [row] : [] });
    return;
  }
  const n = Math.min(1000, Number(req.query.count ?? 100));
  const start = Math.max(1, Number(req.query.startIndex ?? 1));
  res.json({ totalResults: count.get(TEAM), Resources: page.all(TEAM, n, start - 1) });
});
app.patch('/Users/:id', (req, res) => {
  const active = (req.body as { Operations?: Array<{ value?: { active?: boolean } }> }).Operations?.[0]?.value?.active;
  const row = setStatus.get(active === false ? 'suspended' : 'active', new Date().toISOString(), req.params.id, TEAM);
  if (!row) res.status(404).json({ detail: 'not found' });
  else res.json(row);
});
const server = app.listen(0, '127.0.0.1', () => {
  process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 'none' });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
