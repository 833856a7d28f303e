import { klDivergence, symmetricKlDivergence } from '../../../src/monitoring/drift/klDivergence';
import { expectClose, fixtures } from '../stats/mathFixtures';

describe('klDivergence', () => {
  it.each(fixtures.drift)(
    'matches scipy.stats.entropy on the smoothed, renormalised histograms for $name',
    ({ expected, actual, kl, klBase2Epsilon1e6 }) => {
      expectClose(klDivergence(expected, actual), kl, 1e-9, 1e-15);
      expectClose(
        klDivergence(expected, actual, { epsilon: 1e-6, logBase: 2 }),
        klBase2Epsilon1e6,
        1e-9,
        1e-15,
      );
    },
  );

  it('is asymmetric, non-negative, and Infinity without smoothing when actual misses a bin', () => {
    const forward = klDivergence([1, 2, 7], [3, 3, 4]);
    const backward = klDivergence([3, 3, 4], [1, 2, 7]);
    expect(forward).toBeGreaterThan(0);
    expect(forward).not.toBeCloseTo(backward, 6);
    expect(klDivergence([1, 1], [1, 0], { epsilon: 0 })).toBe(Infinity);
    // scipy.stats.entropy([0, 1], [0.5, 0.5]) = ln 2: empty expected bins weigh nothing.
    expectClose(klDivergence([0, 1], [1, 1], { epsilon: 0 }), Math.LN2, 1e-15);
  });

  it('rejects invalid options', () => {
    expect(() => klDivergence([1], [1], { epsilon: -1 })).toThrow(RangeError);
    expect(() => klDivergence([1], [1], { logBase: 1 })).toThrow(RangeError);
  });
});

describe("symmetricKlDivergence (MLRun's kld)", () => {
  it.each(fixtures.drift)(
    "matches MLRun's KullbackLeiblerDivergence for $name",
    ({ expected, actual, symmetricKl }) => {
      expectClose(symmetricKlDivergence(expected, actual), symmetricKl, 1e-9, 1e-15);
    },
  );

  it('uses 1e-4 for empty denominators and skips empty weights, without renormalising', () => {
    // p = [1, 0], q = [0.5, 0.5]: 1 ln(1 / 0.5) + 0.5 ln(0.5 / 1) + 0.5 ln(0.5 / 1e-4) = 0.5 ln(1e4);
    // MLRun's code gives 4.605170185988092.
    expectClose(symmetricKlDivergence([4, 0], [1, 1]), 4.605170185988092, 1e-14);
    expect(symmetricKlDivergence([4, 0], [1, 1])).toBe(symmetricKlDivergence([1, 1], [4, 0]));
    expect(() => symmetricKlDivergence([1], [1], { zeroScaling: 0 })).toThrow(RangeError);
  });
});
