/**
 * The MongoDB server a MongoDB test run uses, provided by scripts/test-mongodb.mjs (`npm test`
 * runs it): MONGODB_URL when set, else the wire-level stand-in in ../mongo-standin.
 */
import { randomBytes } from 'node:crypto';

export interface MongoTarget {
  url: string;
  /** The stand-in never enforces unique indexes and its transactions are no-ops. */
  kind: 'server' | 'standin';
}

export function mongoTarget(): MongoTarget | undefined {
  const url = process.env.DRIFTWATCH_TEST_MONGODB_URL;
  if (!url) return undefined;
  return { url, kind: process.env.DRIFTWATCH_TEST_MONGODB_TARGET === 'standin' ? 'standin' : 'server' };
}

/**
 * The target's URL with a database of its own, dropped when the run ends. Random, not counted:
 * one jest worker runs several test files, each with fresh module state.
 */
export function freshDatabaseUrl(target: MongoTarget, label: string): string {
  const name = `${process.env.DRIFTWATCH_TEST_DB_PREFIX ?? 'dw_test'}_${label}_${randomBytes(6).toString('hex')}`;
  return target.url.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]*)(\/[^?]*)?/, `$1/${name}`);
}
