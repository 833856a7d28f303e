import type { Store } from '../../../src/store/types';
import { at } from './fixtures';
import type { ContractSuite } from './harness';

export function projectSettingsContract(suite: ContractSuite): void {
  const { contractTest } = suite;
  let store: Store;

  describe('project settings', () => {
    beforeEach(() => {
      store = suite.store();
    });

    contractTest('project settings: absent, stored, replaced', async () => {
      expect(await store.getProjectSettings('p1')).toBeNull();
      const settings = {
        project: 'p1',
        thresholds: { possibleDrift: 0.4, driftDetected: 0.6 },
        updatedAt: at(1000),
      };
      await store.putProjectSettings(settings);
      expect(await store.getProjectSettings('p1')).toEqual(settings);
      await store.putProjectSettings({ project: 'p1', thresholds: null, updatedAt: at(2000) });
      expect(await store.getProjectSettings('p1')).toEqual({
        project: 'p1',
        thresholds: null,
        updatedAt: at(2000),
      });
      expect(await store.getProjectSettings('p2')).toBeNull();
    });
  });
}
