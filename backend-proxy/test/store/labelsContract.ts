import { at, ingest, pendingLabel, predictionKey, sortBy } from './contractFixtures';
import type { ContractSuite } from './contractHarness';

export function labelsContract({ store, contractTest }: ContractSuite): void {
  describe('prediction keys and pending labels', () => {
    contractTest('findPredictionKeys returns the known ones', async () => {
      const keys = [
        predictionKey('r1', 60_000),
        { ...predictionKey('r2', 70_000), endpointId: 'e2', prediction: null, referenceVersion: 0 },
      ];
      await store.commitIngest(ingest({ predictionKeys: keys }));
      expect(sortBy(await store.findPredictionKeys(['r2', 'r1', 'r3']), (k) => k.requestId)).toEqual(keys);
      expect(await store.findPredictionKeys([])).toEqual([]);
      expect(await store.findPredictionKeys(['{"$ne":null}'])).toEqual([]);
    });

    contractTest('prediction keys keep the aggregate ids of their segments', async () => {
      const segments = [`${'e'.repeat(40)}/country.1/0`, `${'e'.repeat(40)}/tier.2/other`];
      const keys = [{ ...predictionKey('s1', 60_000), segments }, predictionKey('s2', 60_000)];
      await store.commitIngest(ingest({ predictionKeys: keys }));
      expect(sortBy(await store.findPredictionKeys(['s1', 's2']), (k) => k.requestId)).toEqual(keys);
    });

    contractTest(
      'markPredictionKeysLabelled marks each key once and keeps labels that came with the prediction',
      async () => {
        const keys = [
          predictionKey('r1', 60_000),
          predictionKey('r2', 60_000),
          { ...predictionKey('r3', 60_000), labelledAt: at(500) },
        ];
        await store.commitIngest(ingest({ predictionKeys: keys }));
        expect((await store.markPredictionKeysLabelled(['r1', 'r3', 'r9'], at(1000))).sort()).toEqual(['r1']);
        // Concurrent callers: exactly one gets each key.
        const racing = await Promise.all([
          store.markPredictionKeysLabelled(['r1', 'r2'], at(2000)),
          store.markPredictionKeysLabelled(['r2'], at(2000)),
        ]);
        expect(racing.flat()).toEqual(['r2']);
        const found = sortBy(await store.findPredictionKeys(['r1', 'r2', 'r3']), (k) => k.requestId);
        expect(found.map((k) => k.labelledAt?.getTime())).toEqual([
          at(1000).getTime(),
          at(2000).getTime(),
          at(500).getTime(),
        ]);
        expect(await store.markPredictionKeysLabelled([], at(3000))).toEqual([]);
        expect(await store.markPredictionKeysLabelled(['{"$ne":null}'], at(3000))).toEqual([]);
      },
    );

    contractTest('claimPendingLabels takes each label once', async () => {
      const labels = [
        pendingLabel('r1', 60_000, { y: 1, 'a.b': [1] }),
        pendingLabel('r2', 60_000, null),
        { ...pendingLabel('r3', 60_000), endpointId: null },
      ];
      await store.insertPendingLabels(labels);
      await store.insertPendingLabels([]);
      expect(sortBy(await store.claimPendingLabels(['r1', 'r2', 'rX']), (l) => l.requestId)).toEqual(
        labels.slice(0, 2),
      );
      expect(await store.claimPendingLabels(['r1', 'r2'])).toEqual([]);
      expect(await store.claimPendingLabels(['r3'])).toEqual([labels[2]]);
      expect(await store.claimPendingLabels([])).toEqual([]);
    });

    contractTest(
      'two concurrent claims of the same ids: each label is returned exactly once in total',
      async () => {
        const ids = Array.from({ length: 40 }, (_, i) => `req-${i}`);
        await store.insertPendingLabels(ids.map((id) => pendingLabel(id, 60_000, id)));
        const [a, b] = await Promise.all([
          store.claimPendingLabels(ids),
          store.claimPendingLabels([...ids].reverse()),
        ]);
        const claimed = [...a, ...b].map((l) => l.requestId).sort();
        expect(claimed).toEqual([...ids].sort());
        expect(await store.claimPendingLabels(ids)).toEqual([]);
      },
    );
  });
}
