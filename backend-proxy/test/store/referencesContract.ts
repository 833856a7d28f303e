import { at, endpoint } from './contractFixtures';
import type { ContractSuite } from './contractHarness';

export function referencesContract({ store, contractTest }: ContractSuite): void {
  describe('references', () => {
    contractTest('references: versions kept, newest active, endpoint switched', async () => {
      await store.insertEndpointIfAbsent(endpoint('e1'));
      await store.insertEndpointIfAbsent(endpoint('e2'));
      const stats1 = {
        columns: { 'sepal.length': { edges: [4.3, 5, 6, 7.9], counts: [10, 20, 5] } },
        $meta: { bins: 'fd' },
      };
      const stats2 = { columns: { 'sepal.length': { edges: [4, 5, 8], counts: [1, 2] } } };
      const v1 = await store.putReference('e1', 150, stats1, at(1000));
      expect(v1).toEqual({
        endpointId: 'e1',
        version: 1,
        createdAt: at(1000),
        rowCount: 150,
        statistics: stats1,
      });
      expect((await store.getEndpoint('e1'))?.referenceVersion).toBe(1);
      const v2 = await store.putReference('e1', 30, stats2, at(2000));
      expect(v2.version).toBe(2);
      expect((await store.putReference('e2', 5, [1, 2, 3], at(2500))).version).toBe(1);

      expect(await store.getReference('e1')).toEqual(v2);
      expect(await store.getReference('e1', 1)).toEqual(v1);
      expect(await store.getReference('e1', 2)).toEqual(v2);
      expect(await store.getReference('e1', 3)).toBeNull();
      expect(await store.getReference('missing')).toBeNull();
      expect(await store.listReferenceVersions('e1')).toEqual([
        { version: 1, createdAt: at(1000), rowCount: 150 },
        { version: 2, createdAt: at(2000), rowCount: 30 },
      ]);
      expect(await store.listReferenceVersions('missing')).toEqual([]);
      expect((await store.getEndpoint('e1'))?.referenceVersion).toBe(2);
      expect((await store.getEndpoint('e2'))?.referenceVersion).toBe(1);
    });
  });
}
