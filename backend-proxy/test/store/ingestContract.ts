import { M, at, delta, endpoint, ingest, predictionKey, sample, sortBy } from './contractFixtures';
import type { ContractSuite } from './contractHarness';

export function ingestContract({ store, contractTest }: ContractSuite): void {
  /** The `ops` minute aggregates of an endpoint from minute 0 up to (excluding) minute `to`. */
  const opsMinutes = (endpointId: string, to: number) =>
    store.listAggregates({ endpointId, family: 'ops', resolution: 'minute', from: M(0), to: M(to) });

  describe('ingest', () => {
    contractTest(
      'commitIngest applies everything; a replayed batch id returns the stored receipt and changes nothing',
      async () => {
        const receipt = { accepted: 3, rejected: 0, batch: 'b1' };
        const first = ingest({
          batchId: 'b1',
          newEndpoints: [endpoint('e1')],
          activity: [
            { endpointId: 'e1', predictions: 3, errors: 1, firstRequest: at(1000), lastRequest: at(5000) },
          ],
          aggregates: [
            delta('e1', M(0), {
              add: { n: 3, err: 1, 'f:0:h:2': 2 },
              min: { 'f:0': 1.5 },
              max: { 'f:0': 9 },
            }),
          ],
          samples: [
            sample('e1', 1000),
            sample('e1', 5000, { error: 'boom', prediction: null, latencyUs: null, requestId: null }),
          ],
          predictionKeys: [predictionKey('r1', 60_000)],
          receipt,
        });
        expect(await store.commitIngest(first)).toEqual({ applied: true });

        const after = await store.getEndpoint('e1');
        expect(after).toEqual({
          ...endpoint('e1'),
          predictionCount: 3,
          errorCount: 1,
          firstRequest: at(1000),
          lastRequest: at(5000),
        });
        const aggregates = await opsMinutes('e1', 1);
        expect(aggregates).toEqual([
          {
            key: first.aggregates[0].key,
            sums: { n: 3, err: 1, 'f:0:h:2': 2 },
            min: { 'f:0': 1.5 },
            max: { 'f:0': 9 },
          },
        ]);
        expect(await store.listSamples('e1', at(0), at(10_000), 10)).toEqual(first.samples);
        expect(await store.findPredictionKeys(['r1'])).toEqual(first.predictionKeys);

        const replay = ingest({
          ...first,
          newEndpoints: [endpoint('e2')],
          activity: [
            {
              endpointId: 'e1',
              predictions: 100,
              errors: 100,
              firstRequest: at(1),
              lastRequest: at(99_000),
            },
          ],
          aggregates: [delta('e1', M(0), { add: { n: 100 }, min: { 'f:0': -1 }, max: { 'f:0': 100 } })],
          samples: [sample('e1', 2000)],
          predictionKeys: [predictionKey('r2', 60_000)],
          receipt: { different: true },
        });
        expect(await store.commitIngest(replay)).toEqual({ applied: false, receipt });
        expect(await store.getEndpoint('e1')).toEqual(after);
        expect(await store.getEndpoint('e2')).toBeNull();
        expect(await opsMinutes('e1', 1)).toEqual(aggregates);
        expect(await store.listSamples('e1', at(0), at(10_000), 10)).toHaveLength(2);
        expect(await store.findPredictionKeys(['r2'])).toEqual([]);
      },
    );

    contractTest('concurrent commits of one batch id apply it once', async () => {
      await store.insertEndpointIfAbsent(endpoint('e1'));
      const commit = ingest({
        batchId: 'same',
        activity: [{ endpointId: 'e1', predictions: 1, errors: 0, firstRequest: at(1), lastRequest: at(1) }],
        aggregates: [delta('e1', M(0), { add: { n: 1 } })],
        receipt: { ok: 1 },
      });
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => store.commitIngest(commit)));
      expect(outcomes.filter((o) => o.applied)).toHaveLength(1);
      for (const o of outcomes) if (!o.applied) expect(o.receipt).toEqual({ ok: 1 });
      expect((await store.getEndpoint('e1'))?.predictionCount).toBe(1);
      expect((await opsMinutes('e1', 1))[0].sums).toEqual({ n: 1 });
    });

    contractTest(
      'commitIngestGroup applies a group in order: one outcome per batch, repeated and recorded batch ids replayed',
      async () => {
        await store.insertEndpointIfAbsent(endpoint('e1'));
        const one = (batchId: string | null, predictions: number, receipt: unknown) =>
          ingest({
            batchId,
            activity: [{ endpointId: 'e1', predictions, errors: 0, firstRequest: at(1), lastRequest: at(2) }],
            aggregates: [delta('e1', M(0), { add: { n: predictions } })],
            predictionKeys: batchId ? [predictionKey(`r-${batchId}`, 60_000)] : [],
            receipt,
          });
        expect(await store.commitIngest(one('old', 1, 'old receipt'))).toEqual({ applied: true });
        const outcomes = await store.commitIngestGroup([
          one('a', 2, 'a receipt'),
          one('old', 100, 'ignored'),
          one(null, 4, 'anonymous'),
          one('a', 200, 'ignored too'),
          one('b', 8, { b: true }),
        ]);
        expect(outcomes).toEqual([
          { applied: true },
          { applied: false, receipt: 'old receipt' },
          { applied: true },
          { applied: false, receipt: 'a receipt' },
          { applied: true },
        ]);
        expect((await store.getEndpoint('e1'))?.predictionCount).toBe(1 + 2 + 4 + 8);
        const [minute] = await opsMinutes('e1', 1);
        expect(minute.sums).toEqual({ n: 15 });
        expect((await store.findPredictionKeys(['r-a', 'r-b'])).map((k) => k.requestId).sort()).toEqual([
          'r-a',
          'r-b',
        ]);
        expect(await store.commitIngest(one('b', 1, 'again'))).toEqual({
          applied: false,
          receipt: { b: true },
        });
        expect(await store.commitIngestGroup([])).toEqual([]);
      },
    );

    contractTest(
      'a group whose batches share records adds every applied batch to them once; a failing group adds nothing',
      async () => {
        await store.insertEndpointIfAbsent(endpoint('e1'));
        const layout = { family: 'columns', names: ['f:0:n', 'f:0:h:0', 'f:0:h:1'], extremaNames: ['f:0'] };
        // One batch's minute and the hour it shares with the others, in a fixed layout and by name.
        const one = (batchId: string, minute: number, bins: [number, number], low: number, high: number) => {
          const vector = {
            layout,
            sums: Float64Array.from([bins[0] + bins[1], ...bins]),
            mins: Float64Array.from([low]),
            maxs: Float64Array.from([high]),
          };
          const columns = (start: number, resolution: 'minute' | 'hour') => ({
            ...delta('e1', start, { add: { [`b:${batchId}`]: 1 } }, resolution, 0, 'columns'),
            vector,
          });
          return ingest({
            batchId,
            activity: [
              { endpointId: 'e1', predictions: 1, errors: 0, firstRequest: at(1), lastRequest: at(1) },
            ],
            aggregates: [columns(M(minute), 'minute'), columns(M(0), 'hour')],
          });
        };
        const columns = (resolution: 'minute' | 'hour') =>
          store.listAggregates({ endpointId: 'e1', family: 'columns', resolution, from: M(0), to: M(60) });

        expect(await store.commitIngest(one('a', 0, [1, 0], 2, 2))).toEqual({ applied: true });
        const outcomes = await store.commitIngestGroup([
          one('b', 0, [0, 2], 5, 9),
          one('a', 0, [50, 50], -100, 100),
          one('c', 1, [3, 0], -1, 4),
        ]);
        expect(outcomes.map((o) => o.applied)).toEqual([true, false, true]);
        // A group that fails (an invalid sample) writes none of its batches' counters.
        const bad = {
          ...one('d', 1, [9, 9], -9, 9),
          samples: [sample('e1', 1, { time: new Date(Number.NaN) })],
        };
        await expect(store.commitIngestGroup([one('e', 1, [7, 7], -7, 7), bad])).rejects.toThrow();
        expect(await store.commitIngest(one('f', 1, [0, 1], 3, 3))).toEqual({ applied: true });

        expect(await columns('hour')).toEqual([
          {
            key: {
              endpointId: 'e1',
              family: 'columns',
              resolution: 'hour',
              start: M(0),
              referenceVersion: 0,
            },
            sums: { 'f:0:n': 7, 'f:0:h:0': 4, 'f:0:h:1': 3, 'b:a': 1, 'b:b': 1, 'b:c': 1, 'b:f': 1 },
            min: { 'f:0': -1 },
            max: { 'f:0': 9 },
          },
        ]);
        expect((await columns('minute')).map((r) => [r.key.start, r.sums, r.min, r.max])).toEqual([
          [M(0), { 'f:0:n': 3, 'f:0:h:0': 1, 'f:0:h:1': 2, 'b:a': 1, 'b:b': 1 }, { 'f:0': 2 }, { 'f:0': 9 }],
          [M(1), { 'f:0:n': 4, 'f:0:h:0': 3, 'f:0:h:1': 1, 'b:c': 1, 'b:f': 1 }, { 'f:0': -1 }, { 'f:0': 4 }],
        ]);
        expect((await store.getEndpoint('e1'))?.predictionCount).toBe(4);
      },
    );

    contractTest(
      'two commits sum counters, keep min/max, move first/last request, never overwrite an endpoint',
      async () => {
        await store.commitIngest(
          ingest({
            batchId: 'b1',
            newEndpoints: [endpoint('e1')],
            activity: [
              {
                endpointId: 'e1',
                predictions: 3,
                errors: 1,
                firstRequest: at(1000),
                lastRequest: at(5000),
              },
            ],
            aggregates: [
              delta('e1', M(0), {
                add: { n: 3, 'lat:4': 1 },
                min: { 'f:0': 1.5, 'f:1': 2 },
                max: { 'f:0': 9 },
              }),
            ],
          }),
        );
        await store.commitIngest(
          ingest({
            batchId: 'b2',
            newEndpoints: [endpoint('e1', { model: 'other', predictionCount: 999 })],
            activity: [
              { endpointId: 'e1', predictions: 2, errors: 0, firstRequest: at(500), lastRequest: at(3000) },
            ],
            aggregates: [
              delta('e1', M(0), {
                add: { n: 2, 'f:0:h:3': 1 },
                min: { 'f:0': 0.5, 'f:1': 7 },
                max: { 'f:0': 4, 'f:1': 8 },
              }),
              delta('e1', M(1), { add: { n: 1 } }),
            ],
          }),
        );
        // batchId null: applied every time
        const anonymous = ingest({
          activity: [
            { endpointId: 'e1', predictions: 1, errors: 1, firstRequest: at(6000), lastRequest: at(7000) },
          ],
        });
        expect(await store.commitIngest(anonymous)).toEqual({ applied: true });
        expect(await store.commitIngest(anonymous)).toEqual({ applied: true });

        expect(await store.getEndpoint('e1')).toMatchObject({
          model: 'model',
          predictionCount: 7,
          errorCount: 3,
          firstRequest: at(500),
          lastRequest: at(7000),
        });
        const list = await opsMinutes('e1', 2);
        expect(sortBy(list, (a) => String(a.key.start))).toEqual([
          {
            key: {
              endpointId: 'e1',
              family: 'ops',
              resolution: 'minute',
              start: M(0),
              referenceVersion: 0,
            },
            sums: { n: 5, 'lat:4': 1, 'f:0:h:3': 1 },
            min: { 'f:0': 0.5, 'f:1': 2 },
            max: { 'f:0': 9, 'f:1': 8 },
          },
          {
            key: {
              endpointId: 'e1',
              family: 'ops',
              resolution: 'minute',
              start: M(1),
              referenceVersion: 0,
            },
            sums: { n: 1 },
            min: {},
            max: {},
          },
        ]);
      },
    );

    contractTest('a failing commit writes nothing and does not consume its batch id', async () => {
      const bad = ingest({
        batchId: 'bad',
        newEndpoints: [endpoint('e9')],
        activity: [{ endpointId: 'e9', predictions: 1, errors: 0, firstRequest: at(1), lastRequest: at(1) }],
        aggregates: [delta('e9', M(0), { add: { n: 1 } })],
        samples: [sample('e9', 1000), sample('e9', 2000, { time: new Date(Number.NaN) })],
      });
      await expect(store.commitIngest(bad)).rejects.toThrow();
      expect(await store.getEndpoint('e9')).toBeNull();
      expect(await opsMinutes('e9', 1)).toEqual([]);
      expect(await store.listSamples('e9', at(0), at(10_000), 10)).toEqual([]);
      expect(await store.commitIngest({ ...bad, samples: [sample('e9', 1000)] })).toEqual({
        applied: true,
      });
      expect((await store.getEndpoint('e9'))?.predictionCount).toBe(1);
    });
  });
}
