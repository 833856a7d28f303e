import { kolmogorovSmirnovOnValues } from '../../src/reports/rawValueDistances';
import { kolmogorovSmirnovExactPValue } from '../../src/monitoring/stats/kolmogorovSmirnovExact';
import { expectClose, fixtures } from '../monitoring/stats/mathFixtures';

describe('Kolmogorov-Smirnov on raw values', () => {
  it.each(fixtures.ksTwoSampleExact.map((c) => ({ ...c, n: `${c.expected.length} vs ${c.actual.length}` })))(
    "equals scipy.stats.ks_2samp (method='auto', exact) to 1e-6 relative: $n, p $pValue",
    ({ expected, actual, statistic, pValue }) => {
      const result = kolmogorovSmirnovOnValues(expected, actual);
      expectClose(result.statistic, statistic, 1e-12, 1e-15);
      expectClose(result.pValue, pValue, 1e-6, 1e-300);
      expect(result.exact).toBe(true);
    },
  );

  it('is 1 without a difference and rejects sample sizes that are not positive integers', () => {
    expect(kolmogorovSmirnovExactPValue(3, 4, 0)).toBe(1);
    expect(() => kolmogorovSmirnovExactPValue(0, 4, 0.5)).toThrow(/positive integers/);
  });
});
