import type { ApiKeyRecord } from '../../src/store/types';
import { at, sortBy } from './contractFixtures';
import type { ContractSuite } from './contractHarness';

export function keysContract({ store, contractTest }: ContractSuite): void {
  describe('API keys', () => {
    contractTest('keys: insert, find by hash, list, revoke, count active', async () => {
      const k1: ApiKeyRecord = {
        id: 'k1',
        name: 'ci',
        hash: 'a'.repeat(64),
        scopes: ['read', 'write'],
        projects: ['p1'],
        createdAt: at(0),
        revokedAt: null,
      };
      const k2: ApiKeyRecord = {
        id: 'k2',
        name: 'admin',
        hash: 'b'.repeat(64),
        scopes: ['admin'],
        projects: null,
        createdAt: at(1000),
        revokedAt: null,
      };
      expect(await store.countActiveKeys()).toBe(0);
      await store.insertKey(k1);
      await store.insertKey(k2);
      expect(await store.findKeyByHash('a'.repeat(64))).toEqual(k1);
      expect(await store.findKeyByHash('c'.repeat(64))).toBeNull();
      expect(sortBy(await store.listKeys(), (k) => k.id)).toEqual([k1, k2]);
      expect(await store.countActiveKeys()).toBe(2);

      expect(await store.revokeKey('k1', at(5000))).toBe(true);
      expect(await store.revokeKey('nope', at(5000))).toBe(false);
      expect(await store.findKeyByHash('a'.repeat(64))).toEqual({ ...k1, revokedAt: at(5000) });
      expect(await store.countActiveKeys()).toBe(1);
      expect(sortBy(await store.listKeys(), (k) => k.id)).toEqual([{ ...k1, revokedAt: at(5000) }, k2]);
    });
  });
}
