#!/usr/bin/env node
// `npm run demo`: Gatehouse in demo mode with a mock IdP (tsx, like bin/server.js).
require('tsx/cjs');
require('../src/demo/run-demo.ts')
  .runDemo()
  .catch((err) => {
    process.stderr.write(`The demo failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
