import { kolmogorovSmirnov } from '../../../src/monitoring/drift/kolmogorovSmirnov';
import { expectClose, fixtures } from '../stats/mathFixtures';

describe('kolmogorovSmirnov on binned data', () => {
  it.each(fixtures.drift)(
    'matches numpy (statistic) and scipy.stats.kstwobign.sf (p-value) for $name',
    ({ expected, actual, ksStatistic, ksPValue }) => {
      const { statistic, pValue } = kolmogorovSmirnov(expected, actual);
      expectClose(statistic, ksStatistic, 1e-9, 1e-15);
      expectClose(pValue, ksPValue, 1e-7, 1e-300);
    },
  );

  it('reaches far-tail p-values', () => {
    const tails = fixtures.drift.filter(({ name }) => name.startsWith('tiny KS p-value'));
    expect(tails.length).toBeGreaterThan(0);
    for (const { expected, actual } of tails)
      expect(kolmogorovSmirnov(expected, actual).pValue).toBeLessThan(1e-30);
  });

  it('uses n m / (n + m) as the effective sample size', () => {
    // D = 0.5 between [1, 0] and [1, 1]; n = 10, m = 30.
    const { statistic, pValue } = kolmogorovSmirnov([10, 0], [15, 15]);
    expect(statistic).toBe(0.5);
    // scipy.special.kolmogorov(sqrt(10 * 30 / 40) * 0.5)
    expectClose(pValue, 0.04703487990738161, 1e-12);
  });
});
