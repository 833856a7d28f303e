import { chiSquaredTest } from '../../../src/monitoring/drift/chiSquaredTest';
import { expectClose, fixtures } from '../stats/mathFixtures';

describe('chiSquaredTest', () => {
  it.each(fixtures.drift)(
    'matches scipy.stats.chi2_contingency(correction=False) for $name',
    ({ expected, actual, chi2 }) => {
      const result = chiSquaredTest(expected, actual);
      expectClose(result.statistic, chi2.statistic, 1e-9, 1e-12);
      expect(result.degreesOfFreedom).toBe(chi2.degreesOfFreedom);
      expectClose(result.pValue, chi2.pValue, 1e-7, 1e-300);
    },
  );

  it('drops categories empty on both sides', () => {
    expect(chiSquaredTest([5, 0, 5], [3, 0, 7])).toEqual(chiSquaredTest([5, 5], [3, 7]));
    expect(chiSquaredTest([5, 0], [3, 0])).toEqual({ statistic: 0, degreesOfFreedom: 0, pValue: 1 });
  });

  it('is NaN when a side is empty', () => {
    expect(chiSquaredTest([0, 0], [1, 2])).toEqual({ statistic: NaN, degreesOfFreedom: NaN, pValue: NaN });
  });
});
