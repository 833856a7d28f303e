/**
 * What `driftwatch verify-store` checks of a MongoDB deployment itself, on a scratch database it
 * creates (and the caller drops): the topology the store needs (replica set or sharded cluster),
 * that transactions commit and roll back, that unique indexes are enforced (batch-id idempotency
 * and counting a label once rely on them), and that the store's TTL indexes exist.
 */
import { MongoClient, type Db } from 'mongodb';
import { COLLECTIONS, ensureSchema, INDEXES } from './collections';
import { isDuplicateKey } from './codec';

export type CheckOutcome = 'pass' | 'fail' | 'skip';

export interface VerifyCheck {
  name: string;
  outcome: CheckOutcome;
  detail: string;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Runs `check`, turning a thrown error into a failed check of that name. */
export async function checked(name: string, check: () => Promise<VerifyCheck>): Promise<VerifyCheck> {
  try {
    return await check();
  } catch (error) {
    return { name, outcome: 'fail', detail: message(error) };
  }
}

async function topology(client: MongoClient): Promise<VerifyCheck> {
  const hello = await client.db('admin').command({ hello: 1 });
  if (typeof hello.setName === 'string') {
    const hosts = Array.isArray(hello.hosts) ? hello.hosts.length : 0;
    return {
      name: 'topology',
      outcome: 'pass',
      detail: `replica set ${hello.setName} (${hosts} data-bearing member${hosts === 1 ? '' : 's'}, primary ${String(hello.primary)})`,
    };
  }
  if (hello.msg === 'isdbgrid')
    return { name: 'topology', outcome: 'pass', detail: 'sharded cluster (mongos)' };
  return {
    name: 'topology',
    outcome: 'fail',
    detail:
      'a standalone mongod: the store needs transactions (a replica set, even of one node, or a sharded cluster)',
  };
}

async function schema(db: Db): Promise<VerifyCheck> {
  await ensureSchema(db);
  const indexes = Object.values(INDEXES).reduce((n, list) => n + list.length, 0);
  return {
    name: 'schema',
    outcome: 'pass',
    detail: `${Object.keys(INDEXES).length} collections and ${indexes} indexes created`,
  };
}

async function ttlIndexes(db: Db): Promise<VerifyCheck> {
  const missing: string[] = [];
  for (const name of [COLLECTIONS.predictionKeys, COLLECTIONS.pendingLabels]) {
    const indexes = await db.collection(name).listIndexes().toArray();
    const ttl = indexes.find((i) => i.key?.expiresAt === 1 && typeof i.expireAfterSeconds === 'number');
    if (!ttl) missing.push(name);
  }
  return missing.length
    ? { name: 'TTL indexes', outcome: 'fail', detail: `no TTL index on expiresAt in ${missing.join(', ')}` }
    : {
        name: 'TTL indexes',
        outcome: 'pass',
        detail: `expiresAt TTL on ${COLLECTIONS.predictionKeys} and ${COLLECTIONS.pendingLabels}`,
      };
}

async function uniqueIndexes(db: Db): Promise<VerifyCheck> {
  const batches = db.collection(COLLECTIONS.ingestBatches);
  const doc = () => ({ batchId: 'verify-unique', receiptJson: 'null', createdAt: new Date() });
  await batches.insertOne(doc());
  try {
    await batches.insertOne(doc());
  } catch (error) {
    if (isDuplicateKey(error))
      return { name: 'unique indexes', outcome: 'pass', detail: 'a duplicate batch id was refused (E11000)' };
    throw error;
  }
  return {
    name: 'unique indexes',
    outcome: 'fail',
    detail:
      'a duplicate batch id was accepted: unique indexes are not enforced, so concurrent retries of a batch and repeated labels may count twice',
  };
}

async function transactions(client: MongoClient, db: Db): Promise<VerifyCheck[]> {
  const scratch = db.collection('verifyTransactions');
  await scratch.insertOne({ step: 'created' });
  const session = client.startSession();
  try {
    session.startTransaction({ readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority' } });
    await scratch.insertOne({ step: 'committed' }, { session });
    await session.commitTransaction();
    const committed = (await scratch.countDocuments({ step: 'committed' })) === 1;

    session.startTransaction({ readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority' } });
    await scratch.insertOne({ step: 'aborted' }, { session });
    await session.abortTransaction();
    const visible = await scratch.countDocuments({ step: 'aborted' });
    return [
      committed
        ? { name: 'transaction commit', outcome: 'pass', detail: 'a committed write is visible' }
        : { name: 'transaction commit', outcome: 'fail', detail: 'a committed write is not visible' },
      visible === 0
        ? { name: 'transaction rollback', outcome: 'pass', detail: 'an aborted write left nothing behind' }
        : {
            name: 'transaction rollback',
            outcome: 'fail',
            detail:
              'an aborted write is visible: transactions are not atomic here, a failed ingest may count in part',
          },
    ];
  } finally {
    await session.endSession();
  }
}

/** The deployment checks, in order, on `dbName` (which must be a scratch database). */
export async function verifyDeployment(url: string, dbName: string): Promise<VerifyCheck[]> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: 10_000,
    writeConcern: { w: 'majority', journal: true },
    appName: 'driftwatch-verify',
  });
  try {
    await client.connect();
  } catch (error) {
    return [{ name: 'connect', outcome: 'fail', detail: message(error) }];
  }
  try {
    const db = client.db(dbName);
    const checks = [await checked('topology', () => topology(client))];
    const created = await checked('schema', () => schema(db));
    checks.push(created);
    if (created.outcome !== 'pass') {
      for (const name of ['TTL indexes', 'unique indexes', 'transaction commit', 'transaction rollback'])
        checks.push({ name, outcome: 'skip', detail: 'the schema could not be created' });
      return checks;
    }
    checks.push(await checked('TTL indexes', () => ttlIndexes(db)));
    checks.push(await checked('unique indexes', () => uniqueIndexes(db)));
    try {
      checks.push(...(await transactions(client, db)));
    } catch (error) {
      checks.push({ name: 'transaction commit', outcome: 'fail', detail: message(error) });
      checks.push({ name: 'transaction rollback', outcome: 'skip', detail: 'no transaction could be run' });
    }
    return checks;
  } finally {
    await client.close();
  }
}

/** Drops the scratch database; a check of its own so a leftover is never silent. */
export async function dropScratchDatabase(url: string, dbName: string): Promise<VerifyCheck> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  return checked('cleanup', async () => {
    try {
      await client.db(dbName).dropDatabase();
      return { name: 'cleanup', outcome: 'pass', detail: `scratch database ${dbName} dropped` };
    } finally {
      await client.close();
    }
  });
}
