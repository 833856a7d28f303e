/**
 * Runs the MongoDB suites (store contract + HTTP-level suites on the MongoDB store) against
 * MONGODB_URL when set, else against the wire-level stand-in in ../mongo-standin when installed,
 * else prints one line and exits 0. Every database it creates has one prefix and is dropped at the end.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';

const here = dirname(fileURLToPath(import.meta.url));
const standInDir = join(here, '..', '..', 'mongo-standin');
const standInInstalled = existsSync(
  join(standInDir, 'node_modules', '@push.rocks', 'smartmongo', 'package.json'),
);

if (!process.env.MONGODB_URL && !standInInstalled) {
  console.log(
    'MongoDB suites SKIPPED: set MONGODB_URL=mongodb://... (a replica set) or run `npm run standin:install` at the root',
  );
  process.exit(0);
}

/** Starts the stand-in; resolves with its URL and a stop function. */
function startStandIn() {
  const child = spawn(process.execPath, [join(standInDir, 'server.mjs'), '--port', '0'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`stand-in did not start in 20 s: ${output}`)), 20_000);
    child.on('exit', (code) => reject(new Error(`stand-in exited (${code}): ${output}`)));
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
      const match = /^mongo-standin listening (mongodb:\/\/\S+)$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], stop: () => child.kill('SIGTERM') });
      }
    });
  });
}

const target = process.env.MONGODB_URL
  ? { url: process.env.MONGODB_URL, stop: () => undefined, kind: 'server' }
  : { ...(await startStandIn()), kind: 'standin' };
const prefix = `dw_test_${process.pid}_${Date.now().toString(36)}`;
console.log(`MongoDB suites on ${target.kind === 'standin' ? 'the wire-level stand-in' : 'MONGODB_URL'}`);

const jestBin = join(here, '..', 'node_modules', '.bin', 'jest');
const runner = existsSync(jestBin) ? jestBin : join(here, '..', '..', 'node_modules', '.bin', 'jest');
const code = await new Promise((resolve) => {
  const jest = spawn(runner, ['-c', join(here, '..', 'jest.mongodb.config.js'), ...process.argv.slice(2)], {
    stdio: 'inherit',
    cwd: join(here, '..'),
    env: {
      ...process.env,
      DRIFTWATCH_TEST_MONGODB_URL: target.url,
      DRIFTWATCH_TEST_MONGODB_TARGET: target.kind,
      DRIFTWATCH_TEST_DB_PREFIX: prefix,
    },
  });
  jest.on('exit', (status) => resolve(status ?? 1));
});

const client = new MongoClient(target.url, { serverSelectionTimeoutMS: 5000 });
try {
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  for (const { name } of databases) if (name.startsWith(prefix)) await client.db(name).dropDatabase();
} finally {
  await client.close();
  target.stop();
}
process.exit(code);
