/**
 * `driftwatch verify-store` as a child process. Against a server it needs the MongoDB run
 * (scripts/test-mongodb.mjs); on the wire-level stand-in the unique-index and rollback checks
 * fail, as they should: the stand-in enforces neither. What needs no server always runs.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { freshDatabaseUrl, mongoTarget } from '../helpers/mongoTarget';
import { databaseFromUrl } from '../../src/store/mongodb';
import { withDatabase } from '../../src/cli/verifyStore';

const BACKEND = join(__dirname, '..', '..');

function driftwatch(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: BACKEND, env: process.env },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('driftwatch verify-store', () => {
  it('names the database in the URL it checks, options kept', () => {
    expect(withDatabase('mongodb://h1,h2/prod?replicaSet=rs0', 'scratch')).toBe(
      'mongodb://h1,h2/scratch?replicaSet=rs0',
    );
    // Credentials keep authenticating against the database they did (the path, else admin).
    expect(withDatabase('mongodb://u:p@h/?tls=true', 'scratch')).toBe(
      'mongodb://u:p@h/scratch?tls=true&authSource=admin',
    );
    expect(withDatabase('mongodb+srv://u:p@c.example.net/prod', 'scratch')).toBe(
      'mongodb+srv://u:p@c.example.net/scratch?authSource=prod',
    );
    expect(withDatabase('mongodb://u:p@h/prod?authSource=other', 'scratch')).toBe(
      'mongodb://u:p@h/scratch?authSource=other',
    );
  });

  it('refuses what is not a MongoDB URL', async () => {
    const run = await driftwatch(['verify-store', './data/driftwatch.db']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not a MongoDB URL');
  }, 60_000);

  const target = mongoTarget();
  (target ? describe : describe.skip)('against the MongoDB target', () => {
    const url = target?.url ?? '';
    const databaseExists = async (name: string) => {
      const client = new MongoClient(url);
      try {
        const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
        return databases.some((d) => d.name === name);
      } finally {
        await client.close();
      }
    };

    it('prints one line per check, exits by the outcome, and drops its scratch database', async () => {
      const scratch = databaseFromUrl(
        freshDatabaseUrl(target ?? { url, kind: 'server' }, 'verify'),
      ) as string;
      const run = await driftwatch(['verify-store', url, '--database', scratch]);
      const lines = run.stdout.trim().split('\n');
      expect(lines[0]).toBe(`verifying ${url} in scratch database ${scratch}`);
      const outcome = (name: string) => lines.find((l) => new RegExp(`^(PASS|FAIL|SKIP) ${name}:`).test(l));
      expect(outcome('topology')).toMatch(/^PASS topology: replica set rs0 \(1 data-bearing member/);
      expect(outcome('schema')).toMatch(/^PASS schema: 22 collections and \d+ indexes created$/);
      expect(outcome('TTL indexes')).toBe(
        'PASS TTL indexes: expiresAt TTL on predictionKeys and pendingLabels',
      );
      expect(outcome('transaction commit')).toBe('PASS transaction commit: a committed write is visible');
      expect(outcome('ingest')).toBe('PASS ingest: 100 predictions counted');
      expect(outcome('idempotent replay')).toBe('PASS idempotent replay: the replayed batch counted nothing');
      expect(outcome('labels')).toBe('PASS labels: 50 late labels joined once, accuracy over 50');
      expect(outcome('drift')).toBe('PASS drift: drift of 2 features over 100 predictions');
      expect(outcome('cleanup')).toBe(`PASS cleanup: scratch database ${scratch} dropped`);
      if (target?.kind === 'standin') {
        expect(outcome('unique indexes')).toMatch(/^FAIL unique indexes: a duplicate batch id was accepted/);
        expect(outcome('transaction rollback')).toMatch(
          /^FAIL transaction rollback: an aborted write is visible/,
        );
        expect(lines.at(-1)).toBe('FAILED: 2 of 11 checks failed');
        expect(run.code).toBe(1);
      } else {
        expect(outcome('unique indexes')).toBe(
          'PASS unique indexes: a duplicate batch id was refused (E11000)',
        );
        expect(outcome('transaction rollback')).toBe(
          'PASS transaction rollback: an aborted write left nothing behind',
        );
        expect(lines.at(-1)).toBe('OK: 11 checks passed');
        expect(run.code).toBe(0);
      }
      expect(lines).toHaveLength(13);
      expect(await databaseExists(scratch)).toBe(false);
    }, 120_000);

    it('refuses a database that already holds collections, and leaves it alone', async () => {
      const name = databaseFromUrl(freshDatabaseUrl(target ?? { url, kind: 'server' }, 'busy')) as string;
      const client = new MongoClient(url);
      try {
        await client.db(name).collection('keep').insertOne({ keep: true });
        const run = await driftwatch(['verify-store', url, '--database', name]);
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(`database ${name} already holds 1 collections; name a scratch database`);
        expect(await client.db(name).collection('keep').countDocuments()).toBe(1);
      } finally {
        await client.db(name).dropDatabase();
        await client.close();
      }
    }, 120_000);
  });
});
