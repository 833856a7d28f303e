import { at } from './contractFixtures';
import type { ContractSuite } from './contractHarness';

export function projectSettingsContract({ store, contractTest }: ContractSuite): void {
  describe('project settings', () => {
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
