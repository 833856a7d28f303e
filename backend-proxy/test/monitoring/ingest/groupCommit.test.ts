/**
 * The group-commit queue on the embedded store: batches arriving together share a transaction,
 * batches arriving while one is in flight share the next, every batch gets its own outcome, a bad
 * batch fails alone and a store fault fails the group.
 */
import { UnavailableError } from '../../../src/errors';
import { newEndpointRecord } from '../../../src/monitoring/endpoints/endpointService';
import { GroupCommit, groupKey } from '../../../src/monitoring/ingest/groupCommit';
import { openSqliteStore } from '../../../src/store/sqlite';
import type { BatchOutcome, EndpointRecord, IngestCommit, Store } from '../../../src/store/types';

const at = new Date('2026-01-01T00:00:00Z');

const endpoint = (id: string): EndpointRecord => ({
  ...newEndpointRecord({ project: 'p', model: id, features: [{ name: 'x', kind: 'numeric' }] }, at),
  id,
});

function batch(
  batchId: string | null,
  endpointId: string,
  predictions: number,
  badTime = false,
): IngestCommit {
  return {
    batchId,
    newEndpoints: [],
    activity: [{ endpointId, predictions, errors: 0, firstRequest: at, lastRequest: at }],
    aggregates: [],
    samples: badTime
      ? [
          {
            endpointId,
            time: new Date(Number.NaN),
            requestId: null,
            features: {},
            prediction: null,
            latencyUs: null,
            error: null,
          },
        ]
      : [],
    predictionKeys: [],
    receipt: { batchId, predictions },
    now: at,
  };
}

describe('GroupCommit', () => {
  let store: Store;
  let groups: number[];
  let committer: GroupCommit;
  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.insertEndpointIfAbsent(endpoint('e1'));
    await store.insertEndpointIfAbsent(endpoint('e2'));
    groups = [];
    committer = new GroupCommit((commits) => {
      groups.push(commits.length);
      return store.commitIngestGroup(commits);
    }, 4);
  });
  afterEach(() => store.close());

  it('keys a batch by its endpoints, in any order', () => {
    const two = {
      ...batch(null, 'e2', 1),
      activity: [...batch(null, 'e2', 1).activity, ...batch(null, 'e1', 1).activity],
    };
    expect(groupKey(two)).toBe('e1\ne2');
    expect(groupKey(batch(null, 'e1', 1))).toBe('e1');
  });

  it('commits batches that arrive together as one group and later ones in the next, at most maxGroup', async () => {
    const first = [1, 2, 3, 4, 5, 6].map((n) => committer.commit(batch(`b${n}`, 'e1', n)));
    const other = committer.commit(batch('x', 'e2', 100));
    const outcomes: BatchOutcome[] = await Promise.all([...first, other]);
    expect(outcomes.every((o) => o.applied)).toBe(true);
    // e1: six batches, four at most per group; e2: its own queue.
    expect([...groups].sort()).toEqual([1, 2, 4]);
    expect((await store.getEndpoint('e1'))?.predictionCount).toBe(21);
    expect((await store.getEndpoint('e2'))?.predictionCount).toBe(100);
  });

  it('queues batches that arrive while a commit is in flight for the next group', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gated = new GroupCommit(async (commits) => {
      groups.push(commits.length);
      if (groups.length === 1) await gate;
      return store.commitIngestGroup(commits);
    });
    const first = gated.commit(batch('f', 'e1', 1));
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((n) => gated.commit(batch(`l${n}`, 'e1', n)));
    release();
    await Promise.all([first, ...later]);
    expect(groups).toEqual([1, 3]);
    expect((await store.getEndpoint('e1'))?.predictionCount).toBe(10);
  });

  it('replays batch ids exactly, inside a group and across groups', async () => {
    const outcomes = await Promise.all([
      committer.commit(batch('same', 'e1', 5)),
      committer.commit(batch('same', 'e1', 5)),
    ]);
    expect(outcomes).toEqual([
      { applied: true },
      { applied: false, receipt: { batchId: 'same', predictions: 5 } },
    ]);
    expect(await committer.commit(batch('same', 'e1', 5))).toEqual({
      applied: false,
      receipt: { batchId: 'same', predictions: 5 },
    });
    expect((await store.getEndpoint('e1'))?.predictionCount).toBe(5);
  });

  it('fails a bad batch alone: its neighbours are committed', async () => {
    const results = await Promise.allSettled([
      committer.commit(batch('ok1', 'e1', 1)),
      committer.commit(batch('bad', 'e1', 50, true)),
      committer.commit(batch('ok2', 'e1', 2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(RangeError);
    expect(groups).toEqual([3, 1, 1, 1]);
    expect((await store.getEndpoint('e1'))?.predictionCount).toBe(3);
    expect(await store.commitIngest(batch('bad', 'e1', 50))).toEqual({ applied: true });
  });

  it('fails the whole group on a store fault, without retrying each batch', async () => {
    const down = new GroupCommit((commits) => {
      groups.push(commits.length);
      return Promise.reject(new UnavailableError('store unavailable: test; retry later'));
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => down.commit(batch(`d${n}`, 'e1', n))));
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof UnavailableError)).toBe(true);
    expect(groups).toEqual([3]);
  });

  it('fails every batch of a group the store answers with too few outcomes, without committing again', async () => {
    const short = new GroupCommit(async (commits) => {
      groups.push(commits.length);
      return (await store.commitIngestGroup(commits)).slice(1);
    });
    const results = await Promise.allSettled([1, 2].map((n) => short.commit(batch(`s${n}`, 'e1', n))));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(r.status === 'rejected' && (r.reason as Error).message).toBe(
        'the store answered 1 outcomes for a group of 2 ingest batches',
      );
    }
    expect(groups).toEqual([2]);
    // The group was committed once: 1 + 2 predictions, not counted again.
    expect((await store.getEndpoint('e1'))?.predictionCount).toBe(3);
  });
});
