import type { SampleRecord } from '../../src/store/types';
import { T0, at, ingest, sample } from './contractFixtures';
import type { ContractSuite } from './contractHarness';

export function samplesContract({ store, contractTest }: ContractSuite): void {
  describe('samples', () => {
    contractTest('listSamples by time window with a limit', async () => {
      const samples = [5000, 1000, 3000, 2000, 4000].map((ms) =>
        sample('e1', ms, { features: { 'a.b': ms, $x: 'y', list: [1, null] }, prediction: [0.1, 0.9] }),
      );
      await store.commitIngest(ingest({ samples: [...samples, sample('e2', 2000)] }));
      const times = (list: SampleRecord[]) => list.map((s) => s.time.getTime() - T0);
      // pinned: oldest first, from inclusive, to exclusive
      expect(times(await store.listSamples('e1', at(0), at(10_000), 100))).toEqual([
        1000, 2000, 3000, 4000, 5000,
      ]);
      expect(times(await store.listSamples('e1', at(2000), at(4000), 100))).toEqual([2000, 3000]);
      expect(times(await store.listSamples('e1', at(0), at(10_000), 2))).toEqual([1000, 2000]);
      expect(await store.listSamples('e1', at(0), at(10_000), 1)).toEqual([samples[1]]);
      expect(await store.listSamples('e3', at(0), at(10_000), 10)).toEqual([]);
    });
  });
}
