import { totalVariationDistance } from '../../../src/monitoring/drift/totalVariationDistance';
import { expectClose, fixtures } from '../stats/mathFixtures';

describe('totalVariationDistance', () => {
  it.each(fixtures.drift)('matches the reference for $name', ({ expected, actual, tvd }) => {
    expectClose(totalVariationDistance(expected, actual), tvd, 1e-9, 1e-15);
  });

  it('is 0 for identical and 1 for disjoint histograms', () => {
    expect(totalVariationDistance([1, 2, 3], [2, 4, 6])).toBe(0);
    expect(totalVariationDistance([1, 0], [0, 5])).toBe(1);
  });
});
