#!/usr/bin/env node
// `pretest`: the browser tests drive Debian's Chromium through playwright-core, and the README test
// (test/component/ops/readme.test.ts) runs the README's shell blocks, which use jq. Installs what is
// missing with apt-get when we may (root); otherwise stops with what to do.
'use strict';
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** Debian packages the suite needs besides Chromium: [binary, package]. */
const TOOLS = [['/usr/bin/jq', 'jq']];

function run(command, args) {
  process.stdout.write(`ensure-chromium: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with status ${result.status}`);
}

/** jq (for the README test): installed like Chromium; without root or apt-get, says what to do. */
function ensureTools() {
  const missing = TOOLS.filter(([binary]) => !existsSync(binary)).map(([, pkg]) => pkg);
  if (missing.length === 0) return 0;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    process.stderr.write(`ensure-chromium: ${missing.join(', ')} missing; install with \`sudo apt-get install -y ${missing.join(' ')}\`.\n`);
    return 1;
  }
  try {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing]);
  } catch (err) {
    process.stderr.write(`ensure-chromium: installing ${missing.join(', ')} failed: ${err.message}\n`);
    return 1;
  }
  return 0;
}

function main() {
  if (ensureTools() !== 0) return 1;
  if (existsSync(CHROMIUM)) return 0;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (!isRoot || !hasApt) {
    process.stderr.write(
      `ensure-chromium: ${CHROMIUM} is missing and cannot be installed automatically ` +
        `(${!hasApt ? 'apt-get is not available' : 'not running as root'}).\n` +
        `Install it yourself, e.g. \`sudo apt-get install -y chromium\`, or set CHROMIUM_PATH to a Chromium binary.\n`,
    );
    return 1;
  }
  process.stdout.write(`ensure-chromium: ${CHROMIUM} is missing; installing Debian's chromium package (a few minutes, once).\n`);
  try {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium']);
  } catch (err) {
    process.stderr.write(`ensure-chromium: installing chromium failed: ${err.message}\n`);
    return 1;
  }
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(`ensure-chromium: apt-get finished but ${CHROMIUM} is still missing.\n`);
    return 1;
  }
  process.stdout.write(`ensure-chromium: installed ${CHROMIUM}.\n`);
  return 0;
}

process.exitCode = main();
