import { populationStabilityIndex } from '../../../src/monitoring/drift/populationStabilityIndex';
import { expectClose, fixtures } from '../stats/mathFixtures';

describe('populationStabilityIndex', () => {
  it.each(fixtures.drift)('matches numpy for $name', ({ expected, actual, psi }) => {
    expectClose(populationStabilityIndex(expected, actual), psi, 1e-9, 1e-15);
  });

  it('uses epsilon for empty bins', () => {
    // p = [0.5, 0.5], q = [1, 1e-4]
    const expected = (1 - 0.5) * Math.log(1 / 0.5) + (1e-4 - 0.5) * Math.log(1e-4 / 0.5);
    expectClose(populationStabilityIndex([1, 1], [1, 0]), expected, 1e-14);
    const smaller = (1 - 0.5) * Math.log(1 / 0.5) + (1e-6 - 0.5) * Math.log(1e-6 / 0.5);
    expectClose(populationStabilityIndex([1, 1], [1, 0], { epsilon: 1e-6 }), smaller, 1e-14);
    expect(() => populationStabilityIndex([1], [1], { epsilon: 0 })).toThrow(RangeError);
  });
});
