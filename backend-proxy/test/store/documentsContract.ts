import { at } from './contractFixtures';
import type { ContractSuite } from './contractHarness';

export function documentsContract({ store, contractTest }: ContractSuite): void {
  describe('documents', () => {
    contractTest(
      'documents: insert once, compare-and-set updates, list by kind and project, delete',
      async () => {
        const doc = {
          kind: 'monitor',
          id: 'm1',
          project: 'p1',
          body: { a: 1, nested: { $gt: 'kept as data' } },
        };
        expect(await store.putDocument(doc, 0, at(1000))).toBe(1);
        expect(await store.putDocument(doc, 0, at(1000))).toBeNull();
        expect(await store.getDocument('monitor', 'm1')).toEqual({ ...doc, version: 1, updatedAt: at(1000) });
        expect(await store.putDocument({ ...doc, body: { a: 2 } }, 1, at(2000))).toBe(2);
        // A writer holding the old version loses.
        expect(await store.putDocument({ ...doc, body: { a: 3 } }, 1, at(3000))).toBeNull();
        expect((await store.getDocument('monitor', 'm1'))?.body).toEqual({ a: 2 });
        await store.putDocument({ kind: 'monitor', id: 'm0', project: 'p2', body: {} }, 0, at(1000));
        await store.putDocument({ kind: 'job', id: 'm1', project: 'p1', body: {} }, 0, at(1000));
        expect((await store.listDocuments('monitor', {})).map((d) => d.id)).toEqual(['m0', 'm1']);
        expect((await store.listDocuments('monitor', { projects: ['p1'] })).map((d) => d.id)).toEqual(['m1']);
        expect(await store.deleteDocument('monitor', 'm1')).toBe(true);
        expect(await store.deleteDocument('monitor', 'm1')).toBe(false);
        expect(await store.getDocument('monitor', 'm1')).toBeNull();
        expect(await store.getDocument('job', 'm1')).not.toBeNull();
      },
    );

    contractTest('documents: concurrent compare-and-set, exactly one writer wins', async () => {
      await store.putDocument({ kind: 'job', id: 'race', project: 'p', body: { n: 0 } }, 0, at(0));
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.putDocument({ kind: 'job', id: 'race', project: 'p', body: { n: i } }, 1, at(1)),
        ),
      );
      expect(results.filter((r) => r === 2)).toHaveLength(1);
      expect(results.filter((r) => r === null)).toHaveLength(7);
    });
  });
}
