import { quantileSorted } from '../../../src/monitoring/stats/quantile';
import { expectClose, fixtures } from './mathFixtures';

describe('quantileSorted', () => {
  it.each(fixtures.quantile)(
    "matches numpy.quantile(method='linear') for $name",
    ({ sorted, q, expected }) => {
      q.forEach((level, i) => expectClose(quantileSorted(sorted, level), expected[i], 1e-14, 1e-15));
    },
  );

  it('is NaN for no values and rejects levels outside [0, 1]', () => {
    expect(quantileSorted([], 0.5)).toBeNaN();
    expect(() => quantileSorted([1, 2], 1.5)).toThrow(RangeError);
    expect(() => quantileSorted([1, 2], -0.1)).toThrow(RangeError);
    expect(() => quantileSorted([1, 2], NaN)).toThrow(RangeError);
  });
});
