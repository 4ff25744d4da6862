#!/usr/bin/env node
// `npm run test:mongo`: the store contract suite and the multi-instance tests against a real MongoDB.
// Starts the compose MongoDB (single-node replica set) with its port published on 127.0.0.1, waits
// until it is a writable primary, runs the tests with MONGODB_URI (directConnection=true), and always
// stops it again, volume included. Needs a Docker engine and the compose plugin; says so when missing.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const PORT = process.env.TEST_MONGO_PORT || '27018';
const PROJECT = 'gatehouse-test-mongo';
const COMPOSE = ['compose', '-p', PROJECT, '-f', path.join(ROOT, 'docker-compose.yml'), '-f', path.join(ROOT, 'deploy/compose.test-mongo.yml')];
const URI = `mongodb://127.0.0.1:${PORT}/?directConnection=true`;
const TESTS = ['test/contract/mongo.test.ts', 'test/component/scale'];
const WAIT_MS = 180_000;

function docker(args, options = {}) {
  return spawnSync('docker', args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TEST_MONGO_PORT: PORT }, ...options });
}

function fail(message) {
  process.stderr.write(`test:mongo: ${message}\n`);
  process.exit(1);
}

function requireDocker() {
  const cli = docker(['--version']);
  if (cli.error) fail('needs Docker: the `docker` command was not found. Install Docker (engine + compose plugin) to run the MongoDB tests; `npm test` covers MongoDB only through the mingo parity test.');
  const engine = docker(['info', '--format', '{{.ServerVersion}}']);
  if (engine.status !== 0) fail(`needs a running Docker engine: ${(engine.stderr || engine.stdout).trim().split('\n').pop()}`);
  const compose = docker(['compose', 'version']);
  if (compose.status !== 0) fail('needs the Docker compose plugin (`docker compose version` failed).');
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The compose healthcheck initiates the replica set and turns healthy only on a writable primary. */
function waitForPrimary() {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const id = docker([...COMPOSE, 'ps', '-q', 'mongo']).stdout.trim();
    if (id) {
      const health = docker(['inspect', '--format', '{{.State.Health.Status}}', id]).stdout.trim();
      if (health === 'healthy') return;
      if (health === 'unhealthy') fail('the MongoDB container reports unhealthy (see `docker compose logs mongo`).');
    }
    sleep(2000);
  }
  fail(`MongoDB did not become a writable primary within ${WAIT_MS / 1000} s.`);
}

function main() {
  requireDocker();
  process.stdout.write(`test:mongo: starting the compose MongoDB on 127.0.0.1:${PORT}\n`);
  const up = docker([...COMPOSE, 'up', '-d', 'mongo'], { stdio: 'inherit' });
  if (up.status !== 0) fail('`docker compose up -d mongo` failed.');
  let status = 1;
  try {
    waitForPrimary();
    process.stdout.write(`test:mongo: MONGODB_URI=${URI} jest ${TESTS.join(' ')}\n`);
    const jest = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '-w', '1', ...TESTS], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, MONGODB_URI: URI } });
    status = jest.status ?? 1;
  } finally {
    docker([...COMPOSE, 'down', '-v'], { stdio: 'inherit' });
  }
  process.exit(status);
}

main();
