#!/usr/bin/env node
// `npm start`: runs the TypeScript entry point through tsx (no separate build step needed).
require('tsx/cjs');
require('../src/server.ts');
