import { at } from './contractFixtures';
import type { ContractSuite } from './contractHarness';

export function leasesContract({ store, contractTest }: ContractSuite): void {
  describe('leases', () => {
    contractTest(
      'one of two holders wins; same holder renews; expiry allows takeover; release frees',
      async () => {
        expect(await store.acquireLease('jobs', 'A', 10_000, at(0))).toBe(true);
        expect(await store.acquireLease('jobs', 'B', 10_000, at(1000))).toBe(false);
        expect(await store.acquireLease('jobs', 'A', 10_000, at(2000))).toBe(true); // renewed until 12 000
        expect(await store.acquireLease('jobs', 'B', 10_000, at(11_000))).toBe(false);
        expect(await store.acquireLease('jobs', 'B', 10_000, at(13_000))).toBe(true); // A's lease expired
        expect(await store.acquireLease('jobs', 'A', 10_000, at(14_000))).toBe(false);
        await store.releaseLease('jobs', 'A'); // not the holder: no effect
        expect(await store.acquireLease('jobs', 'A', 10_000, at(14_500))).toBe(false);
        await store.releaseLease('jobs', 'B');
        expect(await store.acquireLease('jobs', 'A', 10_000, at(15_000))).toBe(true);
        // Leases are independent by name.
        expect(await store.acquireLease('other', 'B', 10_000, at(15_000))).toBe(true);
        await store.releaseLease('never-taken', 'X');
      },
    );

    contractTest('concurrent acquisition: exactly one holder wins', async () => {
      const holders = Array.from({ length: 10 }, (_, i) => `h${i}`);
      const results = await Promise.all(holders.map((h) => store.acquireLease('race', h, 10_000, at(0))));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = holders[results.indexOf(true)];
      expect(await store.acquireLease('race', winner, 10_000, at(1000))).toBe(true);
    });
  });
}
