import type { Store } from '../../src/store/types';
import { M, MINUTE, T0, delta, endpoint, ingest, sortBy } from './contractFixtures';
import type { ContractSuite } from './contractHarness';

export function aggregatesContract({ store, contractTest }: ContractSuite): void {
  describe('aggregates', () => {
    contractTest('concurrent writers on one aggregate record: every delta counts', async () => {
      await store.insertEndpointIfAbsent(endpoint('e1'));
      // 12 ingest commits and 12 label-style deltas at once on one record, new counter names included.
      const writer = (k: number) => ({
        add: { n: 1, 'lat:sum': k + 0.5, [`lat:b:${k % 3}`]: 1 },
        min: { 'f:0': 100 - k },
        max: { 'f:0': k },
      });
      await Promise.all(
        Array.from({ length: 12 }, (_, k) => [
          store.commitIngest(ingest({ aggregates: [delta('e1', M(0), writer(k))] })),
          store.applyAggregates([delta('e1', M(0), { add: { 'l:n': 1, 'l:ok': k % 2 } })]),
        ]).flat(),
      );
      const [record] = await store.listAggregates({
        endpointId: 'e1',
        family: 'ops',
        resolution: 'minute',
        from: M(0),
        to: M(1),
      });
      // Σ (k + 0.5) over k = 0..11 = 66 + 6; bins k % 3: four each; l:ok: the six odd k.
      expect(record.sums).toEqual({
        n: 12,
        'lat:sum': 72,
        'lat:b:0': 4,
        'lat:b:1': 4,
        'lat:b:2': 4,
        'l:n': 12,
        'l:ok': 6,
      });
      expect(record.min).toEqual({ 'f:0': 89 });
      expect(record.max).toEqual({ 'f:0': 11 });
    });

    contractTest('a delta in a fixed layout counts as its named counters, with the named ones', async () => {
      await store.insertEndpointIfAbsent(endpoint('e1'));
      const layout = {
        family: 'columns',
        names: ['f:0:n', 'f:0:sum', 'f:0:h:0', 'f:0:h:1'],
        extremaNames: ['f:0'],
      };
      const vector = (sums: number[], low: number, high: number) => ({
        layout,
        sums: Float64Array.from(sums),
        mins: Float64Array.from([low]),
        maxs: Float64Array.from([high]),
      });
      const columns = (start: number, counters: Parameters<typeof delta>[2]) =>
        delta('e1', start, counters, 'minute', 0, 'columns');
      // A fresh record, then one that exists (new names arrive with the second write).
      await store.commitIngest(
        ingest({ aggregates: [{ ...columns(M(0), {}), vector: vector([2, 0.5, 2, 0], -1, 3) }] }),
      );
      await store.applyAggregates([
        {
          ...columns(M(0), { add: { 'y:0:n': 1, 'f:0:n': 1 }, min: { 'f:0': -4 } }),
          vector: vector([1, 0, 0, 1], 7, 7),
        },
      ]);
      const [record] = await store.listAggregates({
        endpointId: 'e1',
        family: 'columns',
        resolution: 'minute',
        from: M(0),
        to: M(1),
      });
      // A bin that stayed 0 is absent, as folded counters are.
      expect(record.sums).toEqual({ 'f:0:n': 4, 'f:0:sum': 0.5, 'f:0:h:0': 2, 'f:0:h:1': 1, 'y:0:n': 1 });
      expect(record.min).toEqual({ 'f:0': -4 });
      expect(record.max).toEqual({ 'f:0': 7 });
    });

    contractTest(
      'compactAggregates keeps every value of closed records; later writes add to them',
      async () => {
        const list = (resolution: 'minute' | 'hour') =>
          store.listAggregates({ endpointId: 'e1', family: 'ops', resolution, from: M(0), to: M(120) });
        await store.applyAggregates([
          delta('e1', M(0), { add: { n: 3, 'lat:sum': 0.1 }, min: { m: 2 }, max: { m: 5 } }),
          delta('e1', M(1), { add: { n: 1 } }),
          delta('e1', M(2), {}),
          delta('e1', M(0), { add: { n: 4 }, min: { m: 1 } }, 'hour'),
        ]);
        const minutes = await list('minute');
        const hours = await list('hour');
        // Minutes 0 and 1 are closed at M(2) + 1 ms; minute 2 and the hour are not.
        const compacted = await store.compactAggregates(M(2) + 1);
        expect(compacted).toBeLessThanOrEqual(2);
        expect(await list('minute')).toEqual(minutes);
        expect(await list('hour')).toEqual(hours);
        // MongoDB rewrites minute 2 and the hour; the embedded store seals hour 0's three minutes.
        expect(await store.compactAggregates(M(120))).toBeLessThanOrEqual(3);
        expect(await store.compactAggregates(M(120))).toBe(0);
        expect(await list('minute')).toEqual(minutes);
        expect(await list('hour')).toEqual(hours);
        // A late write (a label joined to minute 0) adds to the compacted record, and compacts again.
        await store.applyAggregates([
          delta('e1', M(0), { add: { n: 1, 'l:n': 1 }, min: { m: 0 }, max: { m: 4 } }),
        ]);
        await store.compactAggregates(M(120));
        const [first] = await list('minute');
        expect(first.sums).toEqual({ n: 4, 'lat:sum': 0.1, 'l:n': 1 });
        expect(first.min).toEqual({ m: 0 });
        expect(first.max).toEqual({ m: 5 });
      },
    );

    contractTest(
      'compacted records over several hours and days read the same through every query, and prune',
      async () => {
        const H = 60;
        const D = 24 * H;
        // Minutes in hours 0, 1 and 2 (two versions, both families), hours in days 0 and 1.
        const writes = [
          delta('e1', M(0), { add: { n: 1, 'lat:sum': 0.25 }, min: { m: 3 }, max: { m: 3 } }),
          delta('e1', M(1), { add: { n: 2 } }),
          delta('e1', M(59), { add: { n: 3 } }, 'minute', 1),
          delta('e1', M(H + 1), { add: { n: 4 }, min: { m: -1 } }),
          delta('e1', M(2 * H + 5), { add: { n: 5 } }),
          delta('e1', M(1), { add: { 'f:0:n': 7, 'f:0:sum': 0.1 + 0.2 } }, 'minute', 0, 'columns'),
          delta('e1', M(0), { add: { n: 6 } }, 'hour'),
          delta('e1', M(H), { add: { n: 4 } }, 'hour'),
          delta('e1', M(D + H), { add: { n: 5 } }, 'hour'),
        ];
        await store.applyAggregates(writes);
        const query = (
          resolution: 'minute' | 'hour',
          family: 'ops' | 'columns' = 'ops',
          referenceVersion?: number,
        ) => ({
          endpointId: 'e1',
          family,
          resolution,
          from: M(0),
          to: M(3 * D),
          referenceVersion,
        });
        const read = async () => ({
          minutes: await store.listAggregates(query('minute')),
          columns: await store.listAggregates(query('minute', 'columns')),
          hours: await store.listAggregates(query('hour')),
          version1: await store.listAggregates(query('minute', 'ops', 1)),
          middle: await store.listAggregates({ ...query('minute'), from: M(1), to: M(H + 2) }),
          sum: await store.sumAggregates([query('minute'), query('hour')]),
          each: await store.sumAggregatesOfEach(
            ['e1', 'nope', 'e1'],
            [query('minute'), { ...query('minute'), from: M(1), to: M(H + 2) }, query('hour', 'ops', 0)],
          ),
          extent: await store.aggregateExtent('e1', 'minute'),
          hourExtent: await store.aggregateExtent('e1', 'hour'),
        });
        const before = await read();
        expect(before.minutes.map((r) => r.key.start)).toEqual([M(0), M(1), M(59), M(H + 1), M(2 * H + 5)]);
        expect(before.sum.sums).toEqual({ n: 30, 'lat:sum': 0.25 });
        expect(before.each.map((t) => t.sums.n)).toEqual([39, undefined, 39]);
        // Hours 0 and 1 and day 0 are over.
        await store.compactAggregates(M(2 * H));
        await store.compactAggregates(M(D + 2 * H));
        expect(await read()).toEqual(before);

        // Late writes into compacted minutes and hours add to them.
        await store.applyAggregates([
          delta('e1', M(1), { add: { n: 10 }, min: { m: 1 } }),
          delta('e1', M(2), { add: { n: 20 } }),
          delta('e1', M(H), { add: { n: 1 } }, 'hour'),
        ]);
        const late = await read();
        expect(late.minutes.map((r) => [r.key.start, r.sums.n])).toEqual([
          [M(0), 1],
          [M(1), 12],
          [M(2), 20],
          [M(59), 3],
          [M(H + 1), 4],
          [M(2 * H + 5), 5],
        ]);
        expect(late.minutes[1].min).toEqual({ m: 1 });
        expect(late.hours.map((r) => [r.key.start, r.sums.n])).toEqual([
          [M(0), 6],
          [M(H), 5],
          [M(D + H), 5],
        ]);
        expect(late.sum.sums.n).toBe(61);
        await store.compactAggregates(M(D + 2 * H));
        expect(await read()).toEqual(late);

        // Pruning inside hour 0 (both families) keeps its later minutes; before hour 2 leaves only minute 2h5.
        expect(await store.pruneAggregates('minute', M(2))).toBe(3);
        expect((await store.listAggregates(query('minute'))).map((r) => r.key.start)).toEqual([
          M(2),
          M(59),
          M(H + 1),
          M(2 * H + 5),
        ]);
        expect(await store.aggregateExtent('e1', 'minute')).toEqual({ first: M(2), last: M(2 * H + 5) });
        expect(await store.pruneAggregates('minute', M(2 * H))).toBe(3);
        expect((await store.listAggregates(query('minute'))).map((r) => r.key.start)).toEqual([M(2 * H + 5)]);
        expect(await store.listAggregates(query('minute', 'columns'))).toEqual([]);
        expect(await store.pruneAggregates('hour', M(D))).toBe(2);
        expect((await store.listAggregates(query('hour'))).map((r) => r.key.start)).toEqual([M(D + H)]);
      },
    );

    contractTest('applyAggregates creates and adds', async () => {
      await store.applyAggregates([
        delta('e1', M(0), { add: { 'acc:ok': 1 }, min: { m: 3 }, max: { m: 3 } }),
      ]);
      await store.applyAggregates([
        delta('e1', M(0), { add: { 'acc:ok': 2, 'acc:n': 4 }, min: { m: 1 }, max: { m: 2 } }),
        delta('e1', M(0), { add: { 'acc:ok': 1 } }, 'minute', 1),
      ]);
      await store.applyAggregates([]);
      const list = await store.listAggregates({
        endpointId: 'e1',
        family: 'ops',
        resolution: 'minute',
        from: M(0),
        to: M(1),
      });
      expect(sortBy(list, (a) => String(a.key.referenceVersion))).toEqual([
        {
          key: { endpointId: 'e1', family: 'ops', resolution: 'minute', start: M(0), referenceVersion: 0 },
          sums: { 'acc:ok': 3, 'acc:n': 4 },
          min: { m: 1 },
          max: { m: 3 },
        },
        {
          key: { endpointId: 'e1', family: 'ops', resolution: 'minute', start: M(0), referenceVersion: 1 },
          sums: { 'acc:ok': 1 },
          min: {},
          max: {},
        },
      ]);
    });

    contractTest(
      'listAggregates: inclusive from, exclusive to, family, resolution, endpoint and referenceVersion filters',
      async () => {
        await store.applyAggregates([
          delta('e1', M(1), { add: { n: 7, 'f:0:h:1': 3 } }, 'minute', 0, 'columns'),
          delta('e1', M(0), { add: { n: 1 } }),
          delta('e1', M(1), { add: { n: 2 } }),
          delta('e1', M(2), { add: { n: 3 } }),
          delta('e1', M(3), { add: { n: 4 } }),
          delta('e1', M(1), { add: { n: 20 } }, 'minute', 1),
          delta('e1', M(0), { add: { n: 100 } }, 'hour'),
          delta('e2', M(1), { add: { n: 1000 } }),
        ]);
        const starts = async (q: Partial<Parameters<Store['listAggregates']>[0]>) =>
          (
            await store.listAggregates({
              endpointId: 'e1',
              family: 'ops',
              resolution: 'minute',
              from: M(0),
              to: M(4),
              ...q,
            })
          ).map((a) => `${(a.key.start - T0) / MINUTE}@${a.key.referenceVersion}=${a.sums.n}`);
        // pinned: ordered by start, then referenceVersion
        expect(await starts({})).toEqual(['0@0=1', '1@0=2', '1@1=20', '2@0=3', '3@0=4']);
        expect(await starts({ from: M(1), to: M(3) })).toEqual(['1@0=2', '1@1=20', '2@0=3']);
        expect(await starts({ from: M(1), to: M(1) })).toEqual([]);
        expect(await starts({ referenceVersion: 1 })).toEqual(['1@1=20']);
        expect(await starts({ referenceVersion: 0, from: M(1) })).toEqual(['1@0=2', '2@0=3', '3@0=4']);
        expect(await starts({ resolution: 'hour' })).toEqual(['0@0=100']);
        expect(await starts({ resolution: 'day' })).toEqual([]);
        expect(await starts({ endpointId: 'e2' })).toEqual(['1@0=1000']);
        // The family is part of the key: same interval, separate record.
        expect(await starts({ family: 'columns' })).toEqual(['1@0=7']);
        expect(await starts({ family: 'nope' })).toEqual([]);
      },
    );

    contractTest('sumAggregates merges every record the queries select, with their filters', async () => {
      await store.applyAggregates([
        delta('e1', M(0), { add: { n: 1, 'lat:sum': 0.5 }, min: { m: 4 }, max: { m: 4 } }),
        delta('e1', M(1), { add: { n: 2, err: 1 }, min: { m: -2 }, max: { m: 3 } }),
        delta('e1', M(2), { add: { n: 4 }, max: { m: 9 } }),
        delta('e1', M(1), { add: { n: 20 } }, 'minute', 1),
        delta('e1', M(60), { add: { n: 100, err: 0 } }, 'hour'),
        delta('e1', M(1), { add: { 'f:0:n': 7 }, min: { 'f:0': 1 } }, 'minute', 0, 'columns'),
        delta('e2', M(1), { add: { n: 1000 } }),
      ]);
      const query = (q: Partial<Parameters<Store['listAggregates']>[0]>) => ({
        endpointId: 'e1',
        family: 'ops',
        resolution: 'minute' as const,
        from: M(0),
        to: M(2),
        ...q,
      });
      // Minutes 0-1 of every version, the hour from M(60), and the columns record of minute 1.
      expect(
        await store.sumAggregates([
          query({}),
          query({ resolution: 'hour', from: M(60), to: M(120) }),
          query({ family: 'columns' }),
        ]),
      ).toEqual({
        sums: { n: 123, 'lat:sum': 0.5, err: 1, 'f:0:n': 7 },
        min: { m: -2, 'f:0': 1 },
        max: { m: 4 },
      });
      expect(await store.sumAggregates([query({ referenceVersion: 0, to: M(3) })])).toEqual({
        sums: { n: 7, 'lat:sum': 0.5, err: 1 },
        min: { m: -2 },
        max: { m: 9 },
      });
      expect(await store.sumAggregates([query({ endpointId: 'e3' })])).toEqual({
        sums: {},
        min: {},
        max: {},
      });
      expect(await store.sumAggregates([])).toEqual({ sums: {}, min: {}, max: {} });
    });

    contractTest('compaction takes records as they close, the open one and later ones after', async () => {
      const minutes = async () =>
        (
          await store.listAggregates({
            endpointId: 'e1',
            family: 'ops',
            resolution: 'minute',
            from: M(0),
            to: M(60),
          })
        ).map((r) => [r.key.start, r.sums.n]);
      await store.applyAggregates([
        delta('e1', M(0), { add: { n: 1 } }),
        delta('e1', M(1), { add: { n: 2 } }),
        delta('e1', M(2), { add: { n: 3 } }),
      ]);
      // Half-way through minute 2: minutes 0 and 1 are over, minute 2 and the hour are open.
      await store.compactAggregates(M(2) + 30_000);
      await store.applyAggregates([
        delta('e1', M(2), { add: { n: 10 } }),
        delta('e1', M(3), { add: { n: 4 } }),
      ]);
      expect(await minutes()).toEqual([
        [M(0), 1],
        [M(1), 2],
        [M(2), 13],
        [M(3), 4],
      ]);
      await store.compactAggregates(M(4));
      await store.applyAggregates([delta('e1', M(1), { add: { n: 100 } })]);
      expect(await minutes()).toEqual([
        [M(0), 1],
        [M(1), 102],
        [M(2), 13],
        [M(3), 4],
      ]);
      const window = {
        endpointId: 'e1',
        family: 'ops',
        resolution: 'minute' as const,
        from: M(0),
        to: M(60),
      };
      expect((await store.sumAggregates([window])).sums).toEqual({ n: 120 });
      expect(
        (
          await store.sumAggregatesOfEach(
            ['e1'],
            [{ family: 'ops', resolution: 'minute', from: M(1), to: M(3) }],
          )
        )[0].sums,
      ).toEqual({ n: 115 });
    });

    contractTest(
      'sumAggregatesOfEach merges each series over the same ranges, in the order asked',
      async () => {
        await store.applyAggregates([
          delta('s/0', M(0), { add: { n: 1, 'lat:sum': 0.5 }, min: { m: 4 }, max: { m: 4 } }),
          delta('s/0', M(1), { add: { n: 2, err: 1 }, min: { m: -2 }, max: { m: 3 } }),
          delta('s/0', M(1), { add: { n: 20 } }, 'minute', 1),
          delta('s/0', M(60), { add: { n: 100 } }, 'hour'),
          delta('s/0', M(1), { add: { 'f:0:n': 7 }, min: { 'f:0': 1 } }, 'minute', 0, 'columns'),
          delta('s/1', M(0), { add: { n: 3 }, max: { m: 9 } }),
          delta('s/1', M(2), { add: { n: 300 } }),
          delta('s/1', M(60), { add: { n: 30, err: 2 } }, 'hour'),
          // Another series with a similar id, never asked for.
          delta('s/10', M(0), { add: { n: 1000 } }),
        ]);
        const ranges = [
          { family: 'ops', resolution: 'minute' as const, from: M(0), to: M(2) },
          { family: 'ops', resolution: 'hour' as const, from: M(60), to: M(120) },
          { family: 'columns', resolution: 'minute' as const, from: M(0), to: M(2) },
        ];
        const s0 = {
          sums: { n: 123, 'lat:sum': 0.5, err: 1, 'f:0:n': 7 },
          min: { m: -2, 'f:0': 1 },
          max: { m: 4 },
        };
        const s1 = { sums: { n: 33, err: 2 }, min: {}, max: { m: 9 } };
        const none = { sums: {}, min: {}, max: {} };
        // An id without records gets an empty total; one asked twice gets it twice.
        expect(await store.sumAggregatesOfEach(['s/1', 'nope', 's/0', 's/1'], ranges)).toEqual([
          s1,
          none,
          s0,
          s1,
        ]);
        // The range's version filter applies to every series.
        expect(
          await store.sumAggregatesOfEach(
            ['s/0', 's/1'],
            [{ family: 'ops', resolution: 'minute', from: M(0), to: M(3), referenceVersion: 1 }],
          ),
        ).toEqual([{ sums: { n: 20 }, min: {}, max: {} }, none]);
        expect(await store.sumAggregatesOfEach(['s/0'], [])).toEqual([none]);
        expect(await store.sumAggregatesOfEach([], ranges)).toEqual([]);
        // Compacted (the embedded store seals hour 0's minutes and day 0's hours), the same totals.
        await store.compactAggregates(M(24 * 60 + 120));
        expect(await store.sumAggregatesOfEach(['s/1', 'nope', 's/0', 's/1'], ranges)).toEqual([
          s1,
          none,
          s0,
          s1,
        ]);
      },
    );

    contractTest('aggregateExtent per endpoint and resolution', async () => {
      expect(await store.aggregateExtent('e1', 'minute')).toBeNull();
      await store.applyAggregates([
        delta('e1', M(5), { add: { n: 1 } }),
        delta('e1', M(2), { add: { n: 1 } }, 'minute', 1),
        delta('e1', M(9), { add: { n: 1 } }),
        delta('e1', M(60), { add: { n: 1 } }, 'hour'),
        delta('e2', M(0), { add: { n: 1 } }),
        delta('e1', M(12), { add: { n: 1 } }, 'minute', 0, 'columns'),
      ]);
      // Across reference versions and families.
      expect(await store.aggregateExtent('e1', 'minute')).toEqual({ first: M(2), last: M(12) });
      expect(await store.aggregateExtent('e1', 'hour')).toEqual({ first: M(60), last: M(60) });
      expect(await store.aggregateExtent('e1', 'day')).toBeNull();
      expect(await store.aggregateExtent('e2', 'minute')).toEqual({ first: M(0), last: M(0) });
    });

    contractTest('pruneAggregates deletes one resolution before a start and counts', async () => {
      await store.applyAggregates([
        delta('e1', M(0), { add: { n: 1 } }),
        delta('e1', M(1), { add: { n: 1 } }, 'minute', 1),
        delta('e2', M(1), { add: { n: 1 } }),
        delta('e1', M(2), { add: { n: 1 } }),
        delta('e1', M(0), { add: { n: 1 } }, 'hour'),
        delta('e1', M(0), { add: { n: 1 } }, 'minute', 0, 'columns'),
      ]);
      expect(await store.pruneAggregates('minute', M(2))).toBe(4);
      expect(await store.aggregateExtent('e1', 'minute')).toEqual({ first: M(2), last: M(2) });
      expect(await store.aggregateExtent('e2', 'minute')).toBeNull();
      expect(await store.aggregateExtent('e1', 'hour')).toEqual({ first: M(0), last: M(0) });
      expect(await store.pruneAggregates('minute', M(2))).toBe(0);
    });
  });
}
