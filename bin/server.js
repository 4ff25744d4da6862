#!/usr/bin/env node
// `npm start`: runs the composition root from source through tsx (no separate build step needed).
require('tsx/cjs');
require('../src/main.ts');
