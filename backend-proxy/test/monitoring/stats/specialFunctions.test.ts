import { chiSquaredSurvival } from '../../../src/monitoring/stats/chiSquaredSurvival';
import { kolmogorovSurvival } from '../../../src/monitoring/stats/kolmogorovSurvival';
import { logGamma } from '../../../src/monitoring/stats/logGamma';
import { regularizedUpperGamma } from '../../../src/monitoring/stats/regularizedGamma';
import { expectClose, fixtures } from './mathFixtures';

const { kolmogorov, chiSquared, logGamma: logGammaCases } = fixtures.specialFunctions;

describe('kolmogorovSurvival', () => {
  it.each(kolmogorov)('matches scipy.special.kolmogorov($x)', ({ x, sf }) => {
    expectClose(kolmogorovSurvival(x), sf, 1e-12, 1e-16);
  });

  it('is 1 at and below 0, 0 far out, and NaN for NaN', () => {
    expect(kolmogorovSurvival(-1)).toBe(1);
    expect(kolmogorovSurvival(0)).toBe(1);
    expect(kolmogorovSurvival(40)).toBe(0);
    expect(kolmogorovSurvival(NaN)).toBeNaN();
  });
});

describe('chiSquaredSurvival', () => {
  it.each(chiSquared)('matches 50-digit mpmath and scipy.stats.chi2.sf($x, $dof)', ({ x, dof, sf }) => {
    expectClose(chiSquaredSurvival(x, dof), sf, 1e-10, 1e-300);
  });

  it('is 1 at 0 and rejects non-positive degrees of freedom', () => {
    expect(chiSquaredSurvival(0, 3)).toBe(1);
    expect(() => chiSquaredSurvival(1, 0)).toThrow(RangeError);
  });
});

describe('regularizedUpperGamma', () => {
  it('handles the ends of its domain', () => {
    expect(regularizedUpperGamma(2.5, 0)).toBe(1);
    expect(regularizedUpperGamma(2.5, Infinity)).toBe(0);
    // Q(1, x) = e^-x
    expectClose(regularizedUpperGamma(1, 30), Math.exp(-30), 1e-13);
    expect(() => regularizedUpperGamma(0, 1)).toThrow(RangeError);
    expect(() => regularizedUpperGamma(1, -1)).toThrow(RangeError);
  });
});

describe('logGamma', () => {
  it.each(logGammaCases)('matches mpmath.loggamma($x)', ({ x, value }) => {
    expectClose(logGamma(x), value, 1e-13, 1e-14);
  });

  it('rejects x <= 0', () => {
    expect(() => logGamma(0)).toThrow(RangeError);
  });
});
