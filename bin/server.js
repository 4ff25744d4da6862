#!/usr/bin/env node
// `npm start`: runs the composition root from source through tsx (no separate build step needed).
require('tsx/cjs');
require('../src/main.ts')
  .runServer()
  .catch((err) => {
    process.stderr.write(`Gatehouse failed to start: ${err && err.message ? err.message : String(err)}\n`);
    process.exit(1);
  });
