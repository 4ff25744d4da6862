/** The CLI names the store it used, refuses to invent one, and asks for a password at a terminal. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeStore } from '../../../src/store/location';
import { call } from '../../support/http';
import { startTestServer } from '../../support/server';
import { CLI_BIN, runCli } from '../scale/processes';

const ROOT = path.resolve(__dirname, '../../..');

/** Runs the CLI under a pseudo-terminal (util-linux `script`); types `typed` once the prompt shows. */
function atTerminal(args: string[], env: Record<string, string>, typed: string): Promise<{ code: number; screen: string }> {
  const command = [process.execPath, CLI_BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let sent = false;
    child.stdout.on('data', (d) => {
      screen += d;
      if (!sent && screen.includes('Password (not shown): ')) {
        sent = true;
        child.stdin.write(typed);
      }
    });
    child.stderr.on('data', (d) => (screen += d));
    child.on('error', reject);
    child.on('close', (code) => {
      child.stdin.end();
      resolve({ code: code ?? -1, screen });
    });
  });
}

describe('Which store the gatehouse CLI uses', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-store-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('When the operator runs team create where DATA_DIR has no store, then nothing is created and the error says how to point at the server\'s store or pass --init', async () => {
    const dataDir = path.join(dir, 'elsewhere');
    const run = await runCli(['team', 'create', '--name', 'Acme', '--owner-email', 'ada@acme.test', '--password-stdin'], { DATA_DIR: dataDir }, 'ada-password-1\n');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Store: SQLite ${path.join(dataDir, 'gatehouse.db')} (DATA_DIR=${dataDir})`);
    expect(run.stderr).toContain(`there is no Gatehouse store at ${path.join(dataDir, 'gatehouse.db')}`);
    expect(run.stderr).toContain('--init');
    expect(existsSync(path.join(dataDir, 'gatehouse.db'))).toBe(false);

    const list = await runCli(['team', 'list'], { DATA_DIR: dataDir });
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('there is no Gatehouse store');
    expect(list.stderr).not.toContain('--init');

    const init = await runCli(['team', 'create', '--init', '--name', 'Acme', '--owner-email', 'ada@acme.test', '--password-stdin', '--json'], { DATA_DIR: dataDir }, 'ada-password-1\n');
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout).team.name).toBe('Acme');
    expect(init.stderr).toContain('This is the first team in this store');

    const listed = await runCli(['team', 'list', '--json'], { DATA_DIR: dataDir });
    expect(listed.stderr).toBe(`Store: SQLite ${path.join(dataDir, 'gatehouse.db')} (DATA_DIR=${dataDir})\n`);
    expect(JSON.parse(listed.stdout).teams.map((t: { name: string }) => t.name)).toEqual(['Acme']);
  });

  test('When DATA_DIR is a file, then the CLI and the server say so in words, not with a raw EEXIST', async () => {
    const file = path.join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const cli = await runCli(['team', 'list'], { DATA_DIR: file });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(`error: DATA_DIR ${file} is a file, not a directory.`);
    expect(cli.stderr).not.toMatch(/EEXIST|ENOTDIR/);
    const below = await runCli(['team', 'create', '--init', '--name', 'A', '--owner-email', 'a@a.test', '--password', 'a-password-1'], { DATA_DIR: path.join(file, 'data') });
    expect(below.code).toBe(2);
    expect(below.stderr).toContain('a part of its path is a file');

    const server = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin/server.js')], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: file, CERTS_DIR: path.join(dir, 'certs'), LOG_LEVEL: 'silent' }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(server.code).toBe(1);
    expect(server.stderr).toContain(`Gatehouse failed to start: DATA_DIR ${file} is a file, not a directory.`);
    expect(server.stderr).not.toMatch(/EEXIST|ENOTDIR|\n\s+at /);
  }, 30_000);

  test('When a MongoDB URI is configured, then the store line shows it without the password', () => {
    expect(describeStore({ dataDir: '/x', mongodbUri: 'mongodb://gh:s3cret@db1:27017/gatehouse?replicaSet=rs0&tlsCertificateKeyFilePassword=p4ss' })).toBe(
      'MongoDB mongodb://gh:***@db1:27017/gatehouse?replicaSet=rs0&tlsCertificateKeyFilePassword=***',
    );
  });
});

describe('Passwords for the gatehouse CLI', () => {
  let dir: string;
  let env: Record<string, string>;
  let teamId: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-pw-'));
    env = { DATA_DIR: dir, CERTS_DIR: path.join(dir, 'certs') };
    const created = await runCli(['team', 'create', '--init', '--name', 'Acme', '--owner-email', 'ada@acme.test', '--password-stdin', '--json'], env, 'piped-password-1\n');
    expect(created.code).toBe(0);
    teamId = JSON.parse(created.stdout).team.id;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('When --password-stdin runs at a terminal, then it prompts, echoes nothing, and Enter ends the password', async () => {
    const run = await atTerminal(['admin', 'add', '--team', teamId, '--email', 'bob@acme.test', '--password-stdin', '--json'], env, 'tty-password-1\r');
    expect(run.screen).toContain('Password (not shown): ');
    expect(run.screen).not.toContain('tty-password-1');
    expect(run.code).toBe(0);
    expect(run.screen).toContain('"email":"bob@acme.test"');

    // The password typed at the prompt (without the Enter) is the one stored.
    const server = await startTestServer({ DATA_DIR: dir });
    try {
      expect((await call(server.url, 'POST', '/login', { json: { email: 'bob@acme.test', password: 'tty-password-1' } })).status).toBe(200);
      // And the piped one (no prompt, the trailing newline dropped) still works as before.
      expect((await call(server.url, 'POST', '/login', { json: { email: 'ada@acme.test', password: 'piped-password-1' } })).status).toBe(200);
    } finally {
      await server.close();
    }
  }, 60_000);

  test('When Ctrl-C is typed at the prompt, then nothing is created and the CLI exits non-zero', async () => {
    const run = await atTerminal(['admin', 'add', '--team', teamId, '--email', 'carol@acme.test', '--password-stdin'], env, 'half\u0003');
    expect(run.code).toBe(2);
    expect(run.screen).toContain('no password entered');
    const users = await runCli(['admin', 'add', '--team', teamId, '--email', 'carol@acme.test', '--password', 'carol-password-1', '--json'], env);
    expect(users.code).toBe(0);
  }, 30_000);

  test('When the operator reads --help, then the usage line is the safe invocation and GATEHOUSE_PASSWORD is documented', async () => {
    const help = await runCli(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npx --no-install gatehouse \[options\] \[command\]/);
    expect(help.stdout).toContain('GATEHOUSE_PASSWORD');
    expect(help.stdout).toContain('DATA_DIR');
    const create = await runCli(['team', 'create', '--help'], env);
    expect(create.stdout).toMatch(/^Usage: npx --no-install gatehouse team create/);
    expect(create.stdout).toContain('--init');
  });
});
