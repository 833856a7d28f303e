#!/usr/bin/env node
// The CLI from the build (dist/) when there is one, else straight from the TypeScript sources
// through tsx, so `npx driftwatch` works right after `npm ci` in a clone, before any build.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (existsSync(built)) {
  require(built);
} else {
  require('tsx/cjs');
  require(join(__dirname, '..', 'src', 'cli', 'main.ts'));
}
