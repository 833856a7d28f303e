import { wassersteinDistance } from '../../../src/monitoring/drift/wassersteinDistance';
import { expectClose, fixtures } from '../stats/mathFixtures';

describe('wassersteinDistance on binned data', () => {
  it.each(fixtures.drift)(
    'matches scipy.stats.wasserstein_distance(positions, positions, expected, actual) for $name',
    ({ expected, actual, positions, wasserstein }) => {
      expectClose(wassersteinDistance(expected, actual, positions), wasserstein, 1e-9, 1e-15);
    },
  );

  it('is the distance the mass moved', () => {
    expect(wassersteinDistance([1, 0, 0], [0, 0, 1], [10, 20, 30])).toBe(20);
    expect(wassersteinDistance([0, 0, 1], [1, 0, 0], [30, 20, 10])).toBe(20);
  });

  it('rejects missing or non-finite positions', () => {
    expect(() => wassersteinDistance([1, 1], [1, 1], [0])).toThrow(/positions/);
    expect(() => wassersteinDistance([1, 1], [1, 1], [0, Infinity])).toThrow(/finite/);
  });
});
