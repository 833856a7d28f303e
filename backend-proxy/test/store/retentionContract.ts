import type { SampleRecord } from '../../src/store/types';
import { T0, at, ingest, pendingLabel, predictionKey, sample } from './contractFixtures';
import type { ContractSuite } from './contractHarness';

export function retentionContract({ store, contractTest }: ContractSuite): void {
  describe('retention', () => {
    contractTest(
      'pruneExpired removes expired keys and labels, old and surplus samples, old batch ids, and counts them',
      async () => {
        const now = at(5000);
        await store.commitIngest(
          ingest({
            batchId: 'old-batch',
            now: at(0),
            samples: [1000, 2000, 3000, 4000, 5000, 6000]
              .map((ms) => sample('e1', ms))
              .concat([sample('e2', 2500), sample('e2', 8000)]),
            predictionKeys: [
              predictionKey('r1', 1000),
              predictionKey('r2', 10_000),
              predictionKey('r3', 5000),
            ],
            receipt: 'old',
          }),
        );
        await store.commitIngest(ingest({ batchId: 'new-batch', now: at(20_000), receipt: 'new' }));
        const experiment = { project: 'proj', name: 'batches' };
        await store.ensureExperiment(experiment, 'default', at(0));
        await store.appendEventsOnce(experiment, [], { batchId: 'old-events', receipt: 'old', now: at(0) });
        await store.appendEventsOnce(experiment, [], {
          batchId: 'new-events',
          receipt: 'new',
          now: at(20_000),
        });
        await store.insertPendingLabels([
          pendingLabel('l1', 1000),
          pendingLabel('l2', 10_000),
          pendingLabel('l3', 5000),
        ]);

        const removed = await store.pruneExpired(now, {
          samplesBefore: at(2500),
          maxSamplesPerEndpoint: 3,
          batchesBefore: at(10_000),
        });
        // samples: e1 1000, 2000 (old) + 3000 (beyond the newest 3); e2 2500 is not older than samplesBefore
        // keys r1, r3 (expiresAt <= now); labels l1, l3; batch ids old-batch and old-events
        expect(removed).toBe(3 + 2 + 2 + 2);

        const times = (list: SampleRecord[]) => list.map((s) => s.time.getTime() - T0);
        expect(times(await store.listSamples('e1', at(0), at(100_000), 100))).toEqual([4000, 5000, 6000]);
        expect(times(await store.listSamples('e2', at(0), at(100_000), 100))).toEqual([2500, 8000]);
        expect((await store.findPredictionKeys(['r1', 'r2', 'r3'])).map((k) => k.requestId)).toEqual(['r2']);
        expect((await store.claimPendingLabels(['l1', 'l2', 'l3'])).map((l) => l.requestId)).toEqual(['l2']);
        expect(await store.commitIngest(ingest({ batchId: 'new-batch', receipt: 'again' }))).toEqual({
          applied: false,
          receipt: 'new',
        });
        expect(
          await store.commitIngest(ingest({ batchId: 'old-batch', receipt: 'again', now: at(20_000) })),
        ).toEqual({ applied: true });
        expect(
          await store.appendEventsOnce(experiment, [], {
            batchId: 'new-events',
            receipt: 'again',
            now: at(20_000),
          }),
        ).toEqual({ applied: false, receipt: 'new' });
        expect(
          await store.appendEventsOnce(experiment, [], {
            batchId: 'old-events',
            receipt: 'again',
            now: at(20_000),
          }),
        ).toEqual({ applied: true });

        expect(
          await store.pruneExpired(now, {
            samplesBefore: at(2500),
            maxSamplesPerEndpoint: 3,
            batchesBefore: at(10_000),
          }),
        ).toBe(0);
      },
    );
  });
}
