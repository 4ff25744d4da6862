/**
 * Bench child: the minimal floor. A bare Express 5 app over one better-sqlite3 table — the SCIM
 * JSON in a column, unique indexes on userName and externalId — answering the same requests with
 * the same bodies. It is what an independent harness compares SCIM servers against: no schema of
 * Gatehouse's, no emails table, no sessions, no audit, no validation. The durability pragmas are
 * Gatehouse's (WAL, synchronous NORMAL), so the ratio measures work, not fsync policy.
 */
import Database from 'better-sqlite3';
import express from 'express';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { timeOrderedId } from '../src/store/ids';

function main(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-minimal-floor-'));
  const db = new Database(path.join(dir, 'floor.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE users (id TEXT PRIMARY KEY, user_name TEXT NOT NULL, external_id TEXT, data TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE UNIQUE INDEX users_user_name ON users (user_name);
    CREATE UNIQUE INDEX users_external_id ON users (external_id);`);
  const insert = db.prepare('INSERT INTO users (id, user_name, external_id, data, created_at) VALUES (?, ?, ?, ?, ?)');
  const byUserName = db.prepare('SELECT data FROM users WHERE user_name = ?').pluck();
  const byExternalId = db.prepare('SELECT data FROM users WHERE external_id = ?').pluck();
  const byId = db.prepare('SELECT data FROM users WHERE id = ?').pluck();
  const save = db.prepare('UPDATE users SET data = ? WHERE id = ?');
  const count = db.prepare('SELECT count(*) FROM users').pluck();
  const page = db.prepare('SELECT data FROM users ORDER BY id LIMIT ? OFFSET ?').pluck();

  const app = express();
  app.use(express.json({ type: ['application/json', 'application/scim+json'] }));
  app.post('/Users', (req, res) => {
    const body = req.body as Record<string, unknown>;
    const now = new Date().toISOString();
    const id = timeOrderedId();
    const resource = { ...body, id, meta: { resourceType: 'User', created: now, lastModified: now } };
    try {
      insert.run(id, String(body['userName']), typeof body['externalId'] === 'string' ? body['externalId'] : null, JSON.stringify(resource), now);
      res.status(201).json(resource);
    } catch {
      res.status(409).json({ detail: 'taken' });
    }
  });
  app.get('/Users', (req, res) => {
    const filter = typeof req.query['filter'] === 'string' ? /^(userName|externalId) eq "(.*)"$/.exec(req.query['filter']) : null;
    if (filter) {
      const data = (filter[1] === 'userName' ? byUserName : byExternalId).get(filter[2]) as string | undefined;
      res.json({ totalResults: data ? 1 : 0, Resources: data ? [JSON.parse(data)] : [] });
      return;
    }
    const n = Math.min(1000, Number(req.query['count'] ?? 100));
    const start = Math.max(1, Number(req.query['startIndex'] ?? 1));
    res.json({ totalResults: count.get(), Resources: (page.all(n, start - 1) as string[]).map((data) => JSON.parse(data)) });
  });
  app.patch('/Users/:id', (req, res) => {
    const data = byId.get(req.params.id) as string | undefined;
    if (!data) {
      res.status(404).json({ detail: 'not found' });
      return;
    }
    const active = (req.body as { Operations?: Array<{ value?: { active?: boolean } }> }).Operations?.[0]?.value?.active;
    const resource = { ...(JSON.parse(data) as Record<string, unknown>), active: active !== false };
    save.run(JSON.stringify(resource), req.params.id);
    res.json(resource);
  });
  const server = app.listen(0, '127.0.0.1', () => {
    process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 'none' });
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main();
