/**
 * Bounded retries of MongoDB transactions. The policy as a pure function (always runs), then the
 * runner against the MongoDB target (the MongoDB run) with failures injected where the server
 * would raise them: the transaction's work (a write conflict, labelled TransientTransactionError)
 * and the commit (a lost reply, labelled UnknownTransactionCommitResult).
 */
import { MongoClient, MongoServerError, type ClientSession } from 'mongodb';
import {
  retryDecision,
  runTransaction,
  transactionFailure,
  type TransactionRetryPolicy,
} from '../../src/store/mongodb/transactionRetry';
import { freshDatabaseUrl, mongoTarget } from '../helpers/mongoTarget';

const labelled = (label: string, code = 112) =>
  new MongoServerError({
    message: `injected ${label}`,
    errmsg: `injected ${label}`,
    code,
    errorLabels: [label],
  });
const transient = () => labelled('TransientTransactionError');
const unknownCommit = () => labelled('UnknownTransactionCommitResult', 91);

const POLICY: TransactionRetryPolicy = { maxAttempts: 5, maxElapsedMs: 1_000, baseDelayMs: 10 };

describe('retryDecision (d_n = min(base·2^(n−1), maxElapsed − elapsed))', () => {
  it('backs off 10, 20, 40, 80 ms, then gives up at maxAttempts', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDecision('transient', n, 0, POLICY))).toEqual([
      { retry: true, delayMs: 10 },
      { retry: true, delayMs: 20 },
      { retry: true, delayMs: 40 },
      { retry: true, delayMs: 80 },
      { retry: false },
    ]);
  });
  it('never starts a retry after maxElapsedMs', () => {
    expect(retryDecision('unknownCommitResult', 2, 975, POLICY)).toEqual({ retry: true, delayMs: 20 });
    expect(retryDecision('unknownCommitResult', 2, 980, POLICY)).toEqual({ retry: false });
    expect(retryDecision('transient', 1, 1_000, POLICY)).toEqual({ retry: false });
  });
  it('never retries a final error', () => {
    expect(retryDecision('final', 1, 0, POLICY)).toEqual({ retry: false });
  });
  it('reads the labels: transient, unknown commit result, everything else final', () => {
    expect(transactionFailure(transient())).toBe('transient');
    expect(transactionFailure(unknownCommit())).toBe('unknownCommitResult');
    expect(transactionFailure(labelled('UnknownTransactionCommitResult', 50))).toBe('final');
    expect(transactionFailure(new MongoServerError({ message: 'E11000', code: 11000 }))).toBe('final');
    expect(transactionFailure(new RangeError('bad'))).toBe('final');
  });
});

const target = mongoTarget();
(target ? describe : describe.skip)('runTransaction on the MongoDB target', () => {
  let client: MongoClient;
  const dbName = `tx_${Date.now().toString(36)}`;
  beforeAll(async () => {
    client = new MongoClient(freshDatabaseUrl(target!, 'retry'));
    await client.connect();
    await client.db().createCollection('docs');
  });
  afterAll(async () => {
    await client.db().dropDatabase();
    await client.close();
  });
  const docs = () => client.db().collection<{ tag: string }>('docs');
  const run = <T>(fn: (s: ClientSession) => Promise<T>, policy = POLICY) =>
    client.withSession((session) =>
      runTransaction(
        session,
        fn,
        { readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority' } },
        policy,
      ),
    );

  it('runs the transaction again after transient errors and commits it once', async () => {
    let attempts = 0;
    const result = await run(async (session) => {
      attempts += 1;
      if (attempts <= 2) throw transient();
      await docs().insertOne({ tag: `transient-${dbName}` }, { session });
      return attempts;
    });
    expect(result).toBe(3);
    expect(await docs().countDocuments({ tag: `transient-${dbName}` })).toBe(1);
  });

  it('sends the commit again after an unknown commit result, without running the work again', async () => {
    let work = 0;
    let commits = 0;
    await run(async (session) => {
      work += 1;
      await docs().insertOne({ tag: 'unknown-commit' }, { session });
      const commit = session.commitTransaction.bind(session);
      session.commitTransaction = async () => {
        commits += 1;
        await commit();
        if (commits === 1) throw unknownCommit();
      };
    });
    expect({ work, commits }).toEqual({ work: 1, commits: 2 });
    expect(await docs().countDocuments({ tag: 'unknown-commit' })).toBe(1);
  });

  it('gives up after maxAttempts with the last error', async () => {
    let attempts = 0;
    const error = await run(async () => {
      attempts += 1;
      throw transient();
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).hasErrorLabel('TransientTransactionError')).toBe(true);
    expect(attempts).toBe(POLICY.maxAttempts);
  });

  it('gives up within maxElapsedMs however many attempts remain', async () => {
    let attempts = 0;
    const started = Date.now();
    await expect(
      run(
        async () => {
          attempts += 1;
          throw transient();
        },
        { maxAttempts: 1_000, maxElapsedMs: 400, baseDelayMs: 50 },
      ),
    ).rejects.toThrow('injected TransientTransactionError');
    // 50 + 100 + 200 ms of waits: the next (400 ms) would end past the bound.
    expect(attempts).toBe(4);
    expect(Date.now() - started).toBeLessThan(400 + 2_000);
  });

  it('does not retry a final error', async () => {
    let attempts = 0;
    await expect(
      run(async () => {
        attempts += 1;
        throw new RangeError('a bug, not a fault');
      }),
    ).rejects.toThrow('a bug, not a fault');
    expect(attempts).toBe(1);
  });
});
