import {
  computeDriftScore,
  DEFAULT_FEATURE_METRICS,
  DRIFT_METRICS,
  type DriftMetric,
} from '../../../src/monitoring/drift/registry';
import { expectClose, fixtures } from '../stats/mathFixtures';

const BINS = 'reference: 20 equal-width bins + 2 open outer bins';

describe('drift registry', () => {
  it('lists every metric once, with MLRun defaults for features', () => {
    expect(new Set(DRIFT_METRICS).size).toBe(9);
    expect(DEFAULT_FEATURE_METRICS).toEqual(['tvd', 'hellinger', 'kld']);
    expect(Object.isFrozen(DRIFT_METRICS)).toBe(true);
  });

  const reference: Record<DriftMetric, (c: (typeof fixtures.drift)[number]) => [number, number | undefined]> =
    {
      tvd: (c) => [c.tvd, undefined],
      hellinger: (c) => [c.hellinger, undefined],
      kld: (c) => [c.symmetricKl, undefined],
      kl: (c) => [c.kl, undefined],
      psi: (c) => [c.psi, undefined],
      js: (c) => [c.js, undefined],
      ks: (c) => [c.ksStatistic, c.ksPValue],
      wasserstein: (c) => [c.wasserstein, undefined],
      chi2: (c) => [c.chi2.statistic, c.chi2.pValue],
    };

  describe.each(DRIFT_METRICS)('%s', (metric) => {
    it.each(fixtures.drift)('scores $name', (testCase) => {
      const score = computeDriftScore(
        metric,
        { counts: testCase.expected, positions: testCase.positions },
        { counts: testCase.actual },
        BINS,
      );
      const [value, pValue] = reference[metric](testCase);
      expect(score.metric).toBe(metric);
      expect(score.method.metric).toBe(metric);
      expect(score.method.bins).toBe(BINS);
      expect(score.method.description.length).toBeGreaterThan(10);
      expectClose(score.value, value, 1e-9, 1e-12);
      if (pValue === undefined) expect(score.pValue).toBeUndefined();
      else expectClose(score.pValue ?? NaN, pValue, 1e-7, 1e-300);
    });
  });

  it('records the parameters it used', () => {
    const histogram = { counts: [1, 2] };
    expect(computeDriftScore('kld', histogram, histogram, BINS).method).toMatchObject({
      logBase: Math.E,
      epsilon: 1e-4,
    });
    expect(computeDriftScore('kl', histogram, histogram, BINS).method).toMatchObject({
      logBase: Math.E,
      epsilon: 1e-4,
    });
    expect(computeDriftScore('psi', histogram, histogram, BINS).method).toMatchObject({ epsilon: 1e-4 });
    expect(computeDriftScore('js', histogram, histogram, BINS).method).toMatchObject({ logBase: 2 });
    expect(computeDriftScore('tvd', histogram, histogram, BINS).method).not.toHaveProperty('epsilon');
  });

  it('takes wasserstein positions from either side, and insists on them', () => {
    const expected = { counts: [1, 0] };
    const actual = { counts: [0, 1], positions: [0, 5] };
    expect(computeDriftScore('wasserstein', expected, actual, BINS).value).toBe(5);
    expect(() => computeDriftScore('wasserstein', { counts: [1, 0] }, { counts: [0, 1] }, BINS)).toThrow(
      /positions/,
    );
    expect(() =>
      computeDriftScore('wasserstein', { counts: [1, 0], positions: [0, 1] }, actual, BINS),
    ).toThrow(/disagree/);
  });

  it('rejects unknown metrics from untyped callers', () => {
    const histogram = { counts: [1] };
    expect(() => computeDriftScore('bogus' as DriftMetric, histogram, histogram, BINS)).toThrow(
      /unknown drift metric/,
    );
  });
});
