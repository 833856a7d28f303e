/**
 * The MongoDB store: opens the client, checks the deployment, creates the schema and composes
 * the per-concern modules into one `Store`.
 *
 * Needs MongoDB 6 or 7 as a replica set (a single-node one is fine) or a sharded cluster:
 * transactions are used by commitIngest (all-or-nothing ingest), applyAggregates (atomic deltas)
 * and putReference (version + statistics + activation together). Nothing uses server-side
 * JavaScript, $where or mapReduce.
 */
import { GridFSBucket, MongoClient } from 'mongodb';
import type { Store, StoreLog } from '../types';
import { guardStore } from '../storeFault';
import { redactUrl } from '../storeLocation';
import { mongoAggregates } from './aggregates';
import { migrateAggregateCounters } from './aggregateCompaction';
import { MongoCounterNames } from './counterNames';
import { mongoArtifacts, removeUnfinishedUploads } from './artifacts';
import { ARTIFACT_BUCKET, ensureSchema, MongoContext } from './collections';
import { mongoDocuments } from './documents';
import { mongoEndpoints } from './endpoints';
import { mongoEventLog } from './eventLog';
import { classifyMongoFault } from './faults';
import { mongoIngest } from './ingest';
import { mongoKeys } from './keys';
import { mongoLabels } from './labels';
import { mongoLeases } from './leases';
import { mongoProjectSettings } from './projectSettings';
import { mongoReferences } from './references';
import { mongoRetention } from './retention';
import { mongoSamples } from './samples';
import { mongoTracking } from './tracking';
import { DEFAULT_OPERATION_TIMEOUT_MS, urlMillis } from './timeLimits';
import { DEFAULT_TRANSACTION_RETRY } from './transactionRetry';

export interface MongoStoreOptions {
  /** Database name; defaults to the one in the URL path, else `driftwatch`. */
  dbName?: string;
  /** How long to wait for a reachable server before failing (ms, default 10 000; the URL's option wins). */
  serverSelectionTimeoutMS?: number;
  /**
   * Time limit of every operation (ms): server selection, pool wait and reply each; options
   * `socketTimeoutMS=` / `waitQueueTimeoutMS=` in the URL win. Default 10 000. A timed-out
   * operation answers 503.
   */
  operationTimeoutMS?: number;
  /** Observes the name of every command sent (diagnostics; driver command monitoring). */
  onCommand?: (commandName: string) => void;
  /**
   * At open, GridFS uploads started longer ago than this and never finished (a crash) are removed
   * (ms, default 6 h: longer than any upload takes, so another replica's upload is never cut).
   */
  unfinishedUploadAgeMs?: number;
  /** Receives the progress of data migrations run at open (aggregateMigration.ts). */
  log?: StoreLog;
}

/** Default of `unfinishedUploadAgeMs`. */
export const UNFINISHED_UPLOAD_AGE_MS = 6 * 3_600_000;

/** The database named in a connection string's path (`mongodb://h1,h2/name?...`), if any. */
export function databaseFromUrl(url: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(url);
  const name = match ? decodeURIComponent(match[1]) : '';
  return name === '' ? undefined : name;
}

export async function openMongoStore(url: string, options: MongoStoreOptions = {}): Promise<Store> {
  const dbName = options.dbName ?? databaseFromUrl(url) ?? 'driftwatch';
  const operationLimit = options.operationTimeoutMS ?? DEFAULT_OPERATION_TIMEOUT_MS;
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS:
      urlMillis(url, 'serverSelectionTimeoutMS') ?? options.serverSelectionTimeoutMS ?? 10_000,
    // Acknowledged means durable: a write counts once a majority has it in its journal.
    writeConcern: { w: 'majority', journal: true },
    appName: 'driftwatch',
    monitorCommands: options.onCommand !== undefined,
    socketTimeoutMS: urlMillis(url, 'socketTimeoutMS') ?? operationLimit,
    waitQueueTimeoutMS: urlMillis(url, 'waitQueueTimeoutMS') ?? operationLimit,
  });
  const onCommand = options.onCommand;
  if (onCommand) client.on('commandStarted', (event) => onCommand(event.commandName));
  try {
    await client.connect();
    const db = client.db(dbName);
    await db.command({ ping: 1 });
    const hello = await db.admin().command({ hello: 1 });
    if (typeof hello.setName !== 'string' && hello.msg !== 'isdbgrid') {
      throw new Error(
        'the server is a standalone mongod; the store needs transactions, so use a replica set ' +
          '(a single node started with --replSet and rs.initiate() is enough) or a sharded cluster',
      );
    }
    await ensureSchema(db);
    // Transient transaction errors are retried for at most the operation limit (transactionRetry.ts).
    const ctx = new MongoContext(client, db, new GridFSBucket(db, { bucketName: ARTIFACT_BUCKET }), {
      ...DEFAULT_TRANSACTION_RETRY,
      maxElapsedMs: operationLimit,
    });
    await migrateAggregateCounters(ctx.c, new MongoCounterNames(ctx.c), { log: options.log });
    await removeUnfinishedUploads(
      ctx,
      new Date(Date.now() - (options.unfinishedUploadAgeMs ?? UNFINISHED_UPLOAD_AGE_MS)),
    );
    return guardStore(composeMongoStore(ctx), { classify: classifyMongoFault });
  } catch (error) {
    await client.close().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`MongoDB store at ${redactUrl(url)} (database ${dbName}) cannot be opened: ${reason}`, {
      cause: error,
    });
  }
}

/** One part per section of the Store interface (store/types.ts), as the embedded store. */
function composeMongoStore(ctx: MongoContext): Store {
  // One dictionary cache for the sections that write and read aggregates.
  const counterIds = new MongoCounterNames(ctx.c);
  return {
    kind: 'mongodb',
    ...mongoTracking(ctx),
    ...mongoArtifacts(ctx),
    ...mongoKeys(ctx),
    ...mongoEndpoints(ctx),
    ...mongoReferences(ctx),
    ...mongoIngest(ctx, counterIds),
    ...mongoAggregates(ctx, counterIds),
    ...mongoSamples(ctx),
    ...mongoLabels(ctx),
    ...mongoRetention(ctx),
    ...mongoEventLog(ctx),
    ...mongoLeases(ctx),
    ...mongoProjectSettings(ctx),
    ...mongoDocuments(ctx),
    async ping() {
      await ctx.db.command({ ping: 1 });
    },
    async close() {
      await ctx.client.close();
    },
  };
}
