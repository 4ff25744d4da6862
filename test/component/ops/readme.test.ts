/**
 * The README runs: its shell blocks, top to bottom, as one bash script against a real server on a
 * fresh embedded store — the commands as written, with only the host (GH) and the store (DATA_DIR)
 * substituted. Then the state they leave is checked over HTTP and in the store.
 *
 * Conventions for whoever edits the README:
 * - every ```sh (or ```bash / ```shell) block runs, in order, in one shell: variables set in one block
 *   are used by later ones (GH, ADMIN, PASSWD, DATA_DIR, BEARER, SCIM_TOKEN, USER_ID, …);
 * - a block that cannot run here (needs an IdP's metadata, MongoDB, a fresh checkout) is opted out
 *   with `norun` in its fence info string: ```sh norun
 * - blocks run with `set -euo pipefail`, and `curl` fails on any HTTP status ≥ 400 (`--fail-with-body`),
 *   so an example that answers an error breaks this test;
 * - needs bash, curl and jq (`npm test`'s pretest installs jq like Chromium).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';

const ROOT = path.resolve(__dirname, '../../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

interface Block {
  line: number;
  info: string;
  code: string;
}

/** Every fenced block with its info string and the line it starts on. */
function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    blocks.push({ line: start + 1, info: open[1]!.trim(), code: body.join('\n') });
  }
  return blocks;
}

const SHELLS = new Set(['sh', 'bash', 'shell']);
const runnable = (b: Block) => SHELLS.has(b.info.split(/\s+/)[0]!) && !b.info.split(/\s+/).includes('norun');

/** The one place the README's values are swapped for the test's: the host and the store. */
function substitute(code: string, server: TestServer, dataDir: string): { code: string; hits: Record<string, number> } {
  const hits: Record<string, number> = { GH: 0, DATA_DIR: 0 };
  const out = code
    .replace(/\bGH=http:\/\/localhost:3000\b/g, () => (hits.GH!++, `GH=${server.url}`))
    .replace(/\bDATA_DIR=\.\/data\b/g, () => (hits.DATA_DIR!++, `DATA_DIR='${dataDir}'`));
  return { code: out, hits };
}

describe('README.md', () => {
  test('When the fenced blocks are read, then every code block is tagged, and shell blocks are runnable or marked norun', () => {
    const blocks = fencedBlocks(README);
    expect(blocks.length).toBeGreaterThan(5);
    // An untagged fence would silently escape this test; ```text is for non-shell listings.
    expect(blocks.filter((b) => b.info === '').map((b) => b.line)).toEqual([]);
    expect(blocks.filter(runnable).length).toBeGreaterThanOrEqual(5);
    // The backup line lives inside a fence, and no bare `npx gatehouse` is left (but the line warning against it).
    expect(README.split('\n').filter((l) => l.includes('npx gatehouse') && !l.includes('never bare `npx gatehouse`'))).toEqual([]);
    const cliLines = README.split('\n').filter((l) => l.startsWith('npx --no-install gatehouse'));
    expect(cliLines.length).toBeGreaterThan(0);
    const fencedText = blocks.map((b) => b.code).join('\n');
    for (const line of cliLines) expect(fencedText).toContain(line);
  });

  test('When the requirements are read, then the Node versions match package.json engines', () => {
    const engines = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.node as string;
    expect(README).toContain(`\`engines\`: \`${engines}\``);
    expect(README).not.toMatch(/22 not yet/);
  });

  describe('run as a script', () => {
    let server: TestServer;
    let dataDir: string;
    let work: string;
    beforeAll(async () => {
      work = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-readme-'));
      dataDir = path.join(work, 'data');
      server = await startTestServer({ DATA_DIR: dataDir, CERTS_DIR: path.join(work, 'certs') });
    });
    afterAll(async () => {
      await server.close();
      rmSync(work, { recursive: true, force: true });
    });

    test('When the shell blocks run top to bottom against a fresh server, then every command succeeds and leaves the state the README describes', async () => {
      const hits: Record<string, number> = { GH: 0, DATA_DIR: 0 };
      const parts = fencedBlocks(README)
        .filter(runnable)
        .map((b) => {
          const s = substitute(b.code, server, dataDir);
          for (const k of Object.keys(hits)) hits[k]! += s.hits[k]!;
          return `echo '### README.md line ${b.line}' >&2\n${s.code}`;
        });
      // The README sets each once, where a reader sets them; if it stops doing so, the script would run against :3000.
      expect(hits).toEqual({ GH: 1, DATA_DIR: 1 });
      const failures = path.join(work, 'failures.log');
      const script = [
        'set -euo pipefail',
        // Each curl of the README fails the run on an HTTP error, and is recorded even inside $(…).
        `curl() { command curl --fail-with-body "$@" || { printf 'curl failed: %s\\n' "$*" >> '${failures}'; return 22; }; }`,
        ...parts,
      ].join('\n');
      const file = path.join(work, 'readme.sh');
      writeFileSync(file, script);
      const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn('bash', [file], { cwd: ROOT, env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? os.homedir(), LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      const report = `exit ${run.code}\n--- stderr\n${run.stderr}\n--- stdout\n${run.stdout}`;
      expect({ failures: existsSync(failures) ? readFileSync(failures, 'utf8') : '', report: run.code === 0 ? 'ok' : report }).toEqual({ failures: '', report: 'ok' });

      // What the blocks did, seen from outside: the owner exists and signs in …
      const { store } = server.services;
      const [team] = await store.teams.list();
      expect(team?.name).toBe('Acme');
      const login = await call(server.url, 'POST', '/login', { json: { email: 'ada@acme.test', password: 'correct-horse-battery-staple' } });
      expect(login.status).toBe(200);
      // … Jane was provisioned and, through the role group, is in Gatehouse Admins …
      const jane = await store.users.findByHandle('jane.doe');
      expect(jane).toMatchObject({ teamId: team!.id, role: 'admin' });
      expect((await store.groups.groupsOfUser(team!.id, jane!.id)).map((g) => g.displayName)).toEqual(['Gatehouse Admins']);
      expect(run.stdout).toContain('"display":"Gatehouse Admins"');
      // … every SCIM token (the curl session's and the CLI's) is gone again, bob is an admin, and a backup exists.
      expect((await call(server.url, 'GET', '/scim/auth-tokens', { token: login.body.access_token })).body.tokens).toEqual([]);
      expect(await store.users.findByEmail('bob@acme.test')).toMatchObject({ role: 'admin', teamId: team!.id });
      expect(readdirSync(dataDir).filter((f) => /^backup-\d{8}-\d{6}\.db$/.test(f))).toHaveLength(1);
      // The CLI named the server's store every time.
      expect(run.stderr).toContain(`Store: SQLite ${path.join(dataDir, 'gatehouse.db')}`);
    }, 240_000);
  });
});
