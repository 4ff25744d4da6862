/**
 * Bench child: the floor. A bare Express 5 app doing the same better-sqlite3 work as /Users on
 * Gatehouse's own schema (same tables, indexes and pragmas, created by the store's migrations):
 * insert user + email rows in one transaction, indexed lookup, status update, first page + count.
 * No SCIM validation, auth, audit, provisioning log or access log: what Gatehouse costs on top
 * of this is the price of being a SCIM server.
 */
import Database from 'better-sqlite3';
import express from 'express';
import { randomUUID } from 'node:crypto';
import { timeOrderedId } from '../src/store/ids';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openStore, SQLITE_FILE_NAME } from '../src/store/open';

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-floor-'));
  const TEAM = randomUUID();
  const store = await openStore({ dataDir: dir }); // migrations: the real schema
  await store.teams.create({ id: TEAM, name: 'Floor', createdAt: new Date().toISOString(), groupManagedRoles: false, validateSamlEmails: false });
  await store.close();

  const db = new Database(path.join(dir, SQLITE_FILE_NAME));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const insertUser = db.prepare(`INSERT INTO users (id, team_id, handle, display_name, role, status, managed_by, external_id, scim, version, created_at, updated_at)
    VALUES (@id, @team_id, @handle, @display_name, 'member', @status, 'scim', @external_id, @scim, 1, @now, @now) RETURNING *`);
  const insertEmail = db.prepare(`INSERT INTO user_emails (user_id, team_id, position, value, value_lower, type, "primary") VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const create = db.transaction((row: Record<string, unknown>, emails: Array<{ value?: string; type?: string; primary?: boolean }>) => {
    const user = insertUser.get(row) as { id: string };
    emails.forEach((e, i) => insertEmail.run(user.id, TEAM, i, e.value ?? null, e.value?.toLowerCase() ?? null, e.type ?? null, e.primary ? 1 : 0));
    return user;
  });
  const byHandle = db.prepare('SELECT * FROM users WHERE team_id = ? AND handle = ? COLLATE NOCASE');
  const byExternalId = db.prepare('SELECT * FROM users WHERE team_id = ? AND external_id = ?');
  const setStatus = db.prepare('UPDATE users SET status = ?, version = version + 1, updated_at = ? WHERE id = ? AND team_id = ? RETURNING *');
  const deleteSessions = db.prepare('DELETE FROM sessions WHERE user_id = ?');
  const update = db.transaction((status: string, id: string) => {
    const row = setStatus.get(status, new Date().toISOString(), id, TEAM);
    if (row && status !== 'active') deleteSessions.run(id);
    return row;
  });
  const count = db.prepare('SELECT count(*) FROM users WHERE team_id = ?').pluck();
  const page = db.prepare('SELECT * FROM users WHERE team_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?');

  const app = express();
  app.use(express.json({ type: ['application/json', 'application/scim+json'] }));
  app.post('/Users', (req, res) => {
    const { userName, externalId, displayName, active, emails, ...rest } = req.body as Record<string, unknown>;
    try {
      const row = create({ id: timeOrderedId(), team_id: TEAM, handle: userName, external_id: externalId, display_name: displayName, status: active === false ? 'suspended' : 'active', scim: JSON.stringify({ emails, ...rest }), now: new Date().toISOString() }, Array.isArray(emails) ? emails : []);
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
    const row = update(active === false ? 'suspended' : 'active', req.params.id);
    if (!row) res.status(404).json({ detail: 'not found' });
    else res.json(row);
  });
  const server = app.listen(0, '127.0.0.1', () => {
    process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 'none' });
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
