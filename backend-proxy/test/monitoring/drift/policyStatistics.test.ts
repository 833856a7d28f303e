import { benjaminiHochberg } from '../../../src/monitoring/drift/benjaminiHochberg';
import { topContributingBins } from '../../../src/monitoring/drift/binContributions';
import { chiSquaredTest } from '../../../src/monitoring/drift/chiSquaredTest';
import { mergeSparseBins } from '../../../src/monitoring/drift/mergeSparseBins';
import { normalisedWasserstein } from '../../../src/monitoring/drift/policy/defaultPolicy';
import { expectClose, fixtures } from '../stats/mathFixtures';

describe('benjaminiHochberg', () => {
  it.each(fixtures.policy.benjaminiHochberg)(
    'matches scipy.stats.false_discovery_control(method="bh") for $pValues.length p-values',
    ({ pValues, adjusted }) => {
      const ours = benjaminiHochberg(pValues);
      ours.forEach((value, i) => expectClose(value, adjusted[i], 1e-12, 1e-300));
    },
  );

  it('rejects values that are not p-values', () => {
    expect(() => benjaminiHochberg([0.1, 1.5])).toThrow(/not in \[0, 1\]/);
    expect(() => benjaminiHochberg([Number.NaN])).toThrow(/not in \[0, 1\]/);
    expect(benjaminiHochberg([])).toEqual([]);
  });
});

describe('mergeSparseBins + chiSquaredTest', () => {
  it.each(fixtures.policy.mergedChiSquared)(
    'merges as the independent Python merge and matches scipy.stats.chi2_contingency for $name',
    ({ expected, actual, mergedExpected, mergedActual, statistic, degreesOfFreedom, pValue }) => {
      const merged = mergeSparseBins(expected, actual);
      expect(merged).toEqual({ expected: mergedExpected, actual: mergedActual });
      const result = chiSquaredTest(merged!.expected, merged!.actual);
      expectClose(result.statistic, statistic, 1e-9, 1e-12);
      expect(result.degreesOfFreedom).toBe(degreesOfFreedom);
      expectClose(result.pValue, pValue, 1e-7, 1e-300);
    },
  );

  it('leaves every merged bin expecting at least 5 production counts', () => {
    const merged = mergeSparseBins([100, 1, 1, 1, 1, 300, 2, 2], [3, 0, 1, 0, 0, 9, 0, 1])!;
    const share = 14 / (408 + 14);
    for (let i = 0; i < merged.expected.length; i++)
      expect((merged.expected[i] + merged.actual[i]) * share).toBeGreaterThanOrEqual(5);
    expect(merged.expected.reduce((a, b) => a + b, 0)).toBe(408);
    expect(merged.actual.reduce((a, b) => a + b, 0)).toBe(14);
  });

  it('is null for an empty side', () => {
    expect(mergeSparseBins([0, 0], [1, 2])).toBeNull();
  });
});

describe('normalisedWasserstein', () => {
  it.each(fixtures.policy.normalisedWasserstein)(
    'is scipy.stats.wasserstein_distance / scale (scale $scale)',
    ({ positions, expected, actual, scale, normalised }) => {
      expectClose(normalisedWasserstein(expected, actual, positions, scale), normalised, 1e-9, 1e-15);
    },
  );

  it('treats a constant reference (scale 0) as infinitely far when anything moved', () => {
    expect(normalisedWasserstein([1, 0], [0, 1], [0, 1], 0)).toBe(Infinity);
    expect(normalisedWasserstein([1, 0], [2, 0], [0, 1], 0)).toBe(0);
  });
});

describe('topContributingBins', () => {
  it('ranks bins by their share of the total variation distance', () => {
    // p = [0.5, 0.3, 0.2], q = [0.2, 0.3, 0.5]: |p - q| = [0.3, 0, 0.3]
    expect(topContributingBins([5, 3, 2], [2, 3, 5])).toEqual([
      { bin: 0, expectedShare: 0.5, actualShare: 0.2, contribution: 0.5 },
      { bin: 2, expectedShare: 0.2, actualShare: 0.5, contribution: 0.5 },
    ]);
    expect(topContributingBins([1, 1], [2, 2])).toEqual([]);
  });
});
