import { hellingerDistance } from '../../../src/monitoring/drift/hellingerDistance';
import { expectClose, fixtures } from '../stats/mathFixtures';

describe('hellingerDistance', () => {
  it.each(fixtures.drift)(
    "matches MLRun's definition (50-digit reference) for $name",
    ({ expected, actual, hellinger }) => {
      expectClose(hellingerDistance(expected, actual), hellinger, 1e-9, 1e-15);
    },
  );

  it('is exactly 0 for identical histograms (MLRun float64 gives ~1e-8) and 1 for disjoint ones', () => {
    expect(hellingerDistance([3, 5, 7, 11], [6, 10, 14, 22])).toBe(0);
    expect(hellingerDistance([1, 0, 3], [0, 5, 0])).toBe(1);
  });
});
