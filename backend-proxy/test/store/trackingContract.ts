import { InvalidInputError } from '../../src/errors';
import type { ExperimentRef, NewTrackingEvent, Store, TrackingEvent } from '../../src/store/types';
import { JSON_VALUES, at } from './contractFixtures';
import type { ContractSuite } from './contractHarness';

export function trackingContract({ store, contractTest }: ContractSuite): void {
  describe('experiments and runs', () => {
    const ref: ExperimentRef = { project: 'proj', name: 'exp' };

    contractTest('ensureExperiment creates once and keeps the first provider', async () => {
      const created = await store.ensureExperiment(ref, 'default', at(0));
      expect(created).toEqual({
        ...ref,
        provider: 'default',
        createdAt: at(0),
        lastActivity: at(0),
        runCount: 0,
      });
      const again = await store.ensureExperiment(ref, 'profiling', at(1000));
      expect(again.provider).toBe('default');
      expect(again.createdAt).toEqual(at(0));
      expect(await store.getExperiment(ref)).toEqual(again);
      expect(await store.getExperiment({ project: 'proj', name: 'missing' })).toBeNull();
    });

    contractTest('listExperiments with and without a project filter', async () => {
      await store.ensureExperiment({ project: 'p1', name: 'b' }, 'default', at(0));
      await store.ensureExperiment({ project: 'p2', name: 'c' }, 'notrack', at(0));
      await store.ensureExperiment({ project: 'p1', name: 'a' }, 'default', at(0));
      const names = (list: Array<{ project: string; name: string }>) =>
        list.map((e) => `${e.project}/${e.name}`).sort();
      expect(names(await store.listExperiments({}))).toEqual(['p1/a', 'p1/b', 'p2/c']);
      expect(names(await store.listExperiments({ projects: ['p1'] }))).toEqual(['p1/a', 'p1/b']);
      expect(names(await store.listExperiments({ projects: ['p2', 'nope'] }))).toEqual(['p2/c']);
      expect(await store.listExperiments({ projects: ['{"$ne":null}'] })).toEqual([]);
    });

    contractTest('startRun numbers runs 1, 2, ... per experiment; stopRun, getRun, listRuns', async () => {
      await store.ensureExperiment(ref, 'default', at(0));
      await store.ensureExperiment({ project: 'proj', name: 'other' }, 'default', at(0));
      const r1 = await store.startRun(ref, at(1000));
      expect(r1).toEqual({ ...ref, run: 1, status: 'STARTED', startedAt: at(1000), stoppedAt: null });
      const r2 = await store.startRun(ref, at(2000));
      expect(r2.run).toBe(2);
      expect((await store.startRun({ project: 'proj', name: 'other' }, at(2500))).run).toBe(1);

      const stopped = await store.stopRun(ref, 1, at(3000));
      expect(stopped).toEqual({
        ...ref,
        run: 1,
        status: 'STOPPED',
        startedAt: at(1000),
        stoppedAt: at(3000),
      });
      expect(await store.getRun(ref, 1)).toEqual(stopped);
      expect(await store.getRun(ref, 2)).toEqual(r2);
      expect(await store.getRun(ref, 3)).toBeNull();
      expect(await store.stopRun(ref, 99, at(3000))).toBeNull();
      expect(await store.listRuns(ref)).toEqual([stopped, r2]);
      expect(await store.listRuns({ project: 'proj', name: 'missing' })).toEqual([]);
      const failed = await store.stopRun({ project: 'proj', name: 'other' }, 1, at(3500), 'FAILED');
      expect(failed).toMatchObject({ run: 1, status: 'FAILED', stoppedAt: at(3500) });

      const experiment = await store.getExperiment(ref);
      expect(experiment?.runCount).toBe(2);
      expect(experiment?.lastActivity.getTime()).toBeGreaterThanOrEqual(at(0).getTime());
    });

    contractTest('50 concurrent startRun calls get 1..50 without duplicates or gaps', async () => {
      await store.ensureExperiment(ref, 'default', at(0));
      const runs = await Promise.all(Array.from({ length: 50 }, (_, i) => store.startRun(ref, at(i))));
      expect(runs.map((r) => r.run).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      const listed = await store.listRuns(ref);
      expect(listed.map((r) => r.run)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect((await store.getExperiment(ref))?.runCount).toBe(50);
    });
  });

  describe('tracking events', () => {
    const ref: ExperimentRef = { project: 'proj', name: 'exp' };

    /** 20 events over two runs; dt values repeat (ties) and go back in time across the two calls. */
    function makeEvents(): NewTrackingEvent[] {
      return Array.from({ length: 20 }, (_, i) => ({
        ...ref,
        run: 1 + (i % 2),
        event: i % 3 === 0 ? 'param' : 'metric',
        key: i % 4 < 2 ? 'acc' : 'loss',
        value: JSON_VALUES[i % JSON_VALUES.length],
        step: i % 3 === 0 ? null : i % 5,
        dt: at(((i * 3) % 5) * 1000),
        node: `node-${i}`,
        userid: 'alice',
        eventName: i % 2 ? `name-${i}` : null,
      }));
    }

    /** Expected order: by dt, ties in append order (seq follows append order). */
    const ordered = (events: NewTrackingEvent[]): NewTrackingEvent[] =>
      events
        .map((e, i) => ({ e, i }))
        .sort((a, b) => a.e.dt.getTime() - b.e.dt.getTime() || a.i - b.i)
        .map(({ e }) => e);

    const withoutSeq = (events: TrackingEvent[]): NewTrackingEvent[] =>
      events.map(({ seq: _seq, ...rest }) => rest);

    let all: NewTrackingEvent[];

    beforeEach(async () => {
      await store.ensureExperiment(ref, 'default', at(0));
      await store.ensureExperiment({ project: 'proj', name: 'other' }, 'default', at(0));
      all = makeEvents();
      expect(await store.appendEvents(all.slice(0, 12))).toBe(12);
      expect(await store.appendEvents(all.slice(12))).toBe(8);
      // Noise in another experiment of the same project must never show up.
      await store.appendEvents([{ ...all[0], name: 'other', node: 'noise' }]);
    });

    contractTest('query returns every event, sorted by (dt, seq), values round-trip', async () => {
      const page = await store.queryEvents({ ...ref, limit: 100 });
      expect(page.next).toBeUndefined();
      expect(withoutSeq(page.events)).toEqual(ordered(all));
      // seq is strictly increasing in append order, across calls
      const seqOf = new Map(page.events.map((e) => [e.node, e.seq]));
      const seqs = all.map((e) => seqOf.get(e.node) as number);
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
    });

    contractTest('appendEvents of nothing appends nothing', async () => {
      expect(await store.appendEvents([])).toBe(0);
      expect((await store.queryEvents({ ...ref, limit: 100 })).events).toHaveLength(20);
    });

    contractTest(
      'appendEventsOnce appends a batch id once per experiment and replays its first receipt',
      async () => {
        const extra = (node: string, exp: ExperimentRef = ref): NewTrackingEvent => ({
          ...all[0],
          ...exp,
          node,
          dt: at(99_000),
        });
        const other = { project: 'proj', name: 'other' };
        expect(
          await store.appendEventsOnce(ref, [extra('once-1'), extra('once-2')], {
            batchId: 'b1',
            receipt: { n: 1 },
            now: at(1),
          }),
        ).toEqual({ applied: true });
        expect(
          await store.appendEventsOnce(ref, [extra('once-3')], {
            batchId: 'b1',
            receipt: { n: 2 },
            now: at(2),
          }),
        ).toEqual({ applied: false, receipt: { n: 1 } });
        // Same id, other experiment: its own batch. No events (a provider kept none): the id is still recorded.
        expect(
          await store.appendEventsOnce(other, [extra('once-4', other)], {
            batchId: 'b1',
            receipt: 'o',
            now: at(3),
          }),
        ).toEqual({ applied: true });
        expect(await store.appendEventsOnce(ref, [], { batchId: 'empty', receipt: 'e', now: at(4) })).toEqual(
          { applied: true },
        );
        expect(await store.appendEventsOnce(ref, [], { batchId: 'empty', receipt: 'x', now: at(5) })).toEqual(
          { applied: false, receipt: 'e' },
        );
        // Events of another experiment are refused and nothing, the id included, is kept.
        await expect(
          store.appendEventsOnce(ref, [extra('stray', other)], { batchId: 'b2', receipt: 'r', now: at(6) }),
        ).rejects.toThrow();
        expect(
          await store.appendEventsOnce(ref, [extra('once-5')], { batchId: 'b2', receipt: 'r', now: at(7) }),
        ).toEqual({ applied: true });
        const nodes = async (exp: ExperimentRef) =>
          (await store.queryEvents({ ...exp, limit: 100 })).events
            .map((e) => e.node)
            .filter((n) => n.startsWith('once') || n === 'stray');
        expect(await nodes(ref)).toEqual(['once-1', 'once-2', 'once-5']);
        expect(await nodes(other)).toEqual(['once-4']);
        // Concurrent commits of one id: one applies.
        const racing = await Promise.all(
          [1, 2, 3].map((i) =>
            store.appendEventsOnce(ref, [extra(`once-race-${i}`)], {
              batchId: 'race',
              receipt: i,
              now: at(8),
            }),
          ),
        );
        expect(racing.filter((o) => o.applied)).toHaveLength(1);
        expect((await nodes(ref)).filter((n) => n.startsWith('once-race'))).toHaveLength(1);
        // Clearing the experiment forgets its ids.
        await store.deleteExperiment(ref);
        await store.ensureExperiment(ref, 'default', at(9));
        expect(
          await store.appendEventsOnce(ref, [], { batchId: 'b1', receipt: 'fresh', now: at(10) }),
        ).toEqual({ applied: true });
      },
    );

    contractTest('every filter alone and combined', async () => {
      const query = async (q: Partial<Parameters<Store['queryEvents']>[0]>) =>
        withoutSeq((await store.queryEvents({ ...ref, limit: 100, ...q })).events);
      const expectOf = (keep: (e: NewTrackingEvent) => boolean) => ordered(all).filter(keep);

      expect(await query({ runs: [2] })).toEqual(expectOf((e) => e.run === 2));
      expect(await query({ runs: [1, 2] })).toEqual(expectOf(() => true));
      expect(await query({ runs: [3] })).toEqual([]);
      expect(await query({ events: ['param'] })).toEqual(expectOf((e) => e.event === 'param'));
      expect(await query({ keys: ['loss'] })).toEqual(expectOf((e) => e.key === 'loss'));
      expect(await query({ steps: [0, 3] })).toEqual(expectOf((e) => e.step === 0 || e.step === 3));
      expect(await query({ since: at(2500) })).toEqual(expectOf((e) => e.dt >= at(2500)));
      expect(await query({ end: at(2500) })).toEqual(expectOf((e) => e.dt <= at(2500)));
      // pinned: both bounds inclusive
      expect(await query({ since: at(2000), end: at(3000) })).toEqual(
        expectOf((e) => e.dt >= at(2000) && e.dt <= at(3000)),
      );
      expect(
        await query({
          runs: [1],
          events: ['metric'],
          keys: ['acc'],
          steps: [0, 1, 2, 3, 4],
          since: at(1000),
          end: at(4000),
        }),
      ).toEqual(
        expectOf(
          (e) =>
            e.run === 1 &&
            e.event === 'metric' &&
            e.key === 'acc' &&
            e.step !== null &&
            e.dt >= at(1000) &&
            e.dt <= at(4000),
        ),
      );
      // Filter values are data: strings shaped like query operators match nothing.
      expect(await query({ keys: ['{"$ne":null}'] })).toEqual([]);
      expect(await query({ events: ['$where', '.*'] })).toEqual([]);
      expect(await store.queryEvents({ project: 'proj', name: 'missing', limit: 10 })).toEqual({
        events: [],
      });
    });

    contractTest('cursor paging reaches the last event in order, ties included', async () => {
      const expected = ordered(all);
      for (const limit of [1, 3, 4, 7]) {
        const seen: TrackingEvent[] = [];
        let after: string | undefined;
        let pages = 0;
        do {
          const page = await store.queryEvents({ ...ref, limit, after });
          pages++;
          expect(page.events.length).toBeLessThanOrEqual(limit);
          if (page.next !== undefined) expect(page.events).toHaveLength(limit);
          seen.push(...page.events);
          after = page.next;
        } while (after !== undefined && pages < 100);
        expect(withoutSeq(seen)).toEqual(expected);
        // `next` only when more events match: 20 events in pages of 4 are exactly 5 pages.
        expect(pages).toBe(Math.ceil(expected.length / limit));
      }
    });

    contractTest('a malformed cursor is rejected as invalid input', async () => {
      for (const after of [
        'not a cursor',
        Buffer.from('{"$gt":1}').toString('base64url'),
        Buffer.from('[1,2,3]').toString('base64url'),
      ]) {
        await expect(store.queryEvents({ ...ref, limit: 5, after })).rejects.toBeInstanceOf(
          InvalidInputError,
        );
      }
    });

    contractTest('cursor paging with filters', async () => {
      const expected = ordered(all).filter((e) => e.run === 1 && e.dt >= at(1000));
      const seen: TrackingEvent[] = [];
      let after: string | undefined;
      do {
        const page = await store.queryEvents({ ...ref, runs: [1], since: at(1000), limit: 2, after });
        seen.push(...page.events);
        after = page.next;
      } while (after !== undefined);
      expect(withoutSeq(seen)).toEqual(expected);
    });

    contractTest('concurrent appends get distinct seq numbers and keep each call in order', async () => {
      const ref2: ExperimentRef = { project: 'proj', name: 'parallel' };
      await store.ensureExperiment(ref2, 'default', at(0));
      const calls = Array.from({ length: 10 }, (_, c) =>
        Array.from({ length: 5 }, (_, i) => ({ ...all[0], ...ref2, node: `call-${c}-${i}`, dt: at(0) })),
      );
      await Promise.all(calls.map((events) => store.appendEvents(events)));
      const { events } = await store.queryEvents({ ...ref2, limit: 100 });
      expect(events).toHaveLength(50);
      expect(new Set(events.map((e) => e.seq)).size).toBe(50);
      for (let i = 1; i < events.length; i++) expect(events[i].seq).toBeGreaterThan(events[i - 1].seq);
      for (let c = 0; c < 10; c++) {
        const mine = events.filter((e) => e.node.startsWith(`call-${c}-`)).map((e) => e.node);
        expect(mine).toEqual(Array.from({ length: 5 }, (_, i) => `call-${c}-${i}`));
      }
    });
  });
}
