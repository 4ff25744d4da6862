#!/usr/bin/env node
// Runs a TypeScript entry point given on the command line (benchmarks, scripts).
require('tsx/cjs');
const path = require('node:path');
const file = process.argv[2];
process.argv.splice(2, 1);
require(path.resolve(file));
