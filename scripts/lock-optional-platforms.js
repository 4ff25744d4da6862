#!/usr/bin/env node
// The registry this project installs from serves only this platform's native builds, so npm leaves
// other platforms' optional packages out of package-lock.json — and `npm ci` then refuses the lock.
// This adds a minimal entry for each missing optional dependency (npm skips them on install: wrong
// platform or unavailable optional). Run after `npm install <pkg>`.
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [key, meta] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${key ? `${key}/` : ''}node_modules/${name}`;
    const top = `node_modules/${name}`;
    if (packages[nested] || packages[top]) continue;
    if (!/^\d+\.\d+\.\d+/.test(spec)) continue;
    packages[top] = { version: spec, ...(meta.dev ? { dev: true } : {}), optional: true };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-optional-platforms: added ${added} entries`);
