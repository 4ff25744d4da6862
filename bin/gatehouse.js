#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so `npx --no-install gatehouse` always matches the checked-out source.
require('tsx/cjs');
require('../src/cli/main.ts')
  .runCli(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
