import { alignedProbabilities } from './alignedCounts';

/**
 * The bins that contribute most to the distance between two aligned histograms: each bin's share of
 * the total variation distance, |p_i - q_i| / Σ_j |p_j - q_j|, largest first, at most `limit`
 * (bins with no difference left out). Empty when either histogram is empty or they are equal.
 */
export function topContributingBins(
  expected: readonly number[],
  actual: readonly number[],
  limit = 3,
): Array<{ bin: number; expectedShare: number; actualShare: number; contribution: number }> {
  const probabilities = alignedProbabilities(expected, actual);
  if (!probabilities) return [];
  const gaps = probabilities.expected.map((p, i) => Math.abs(p - probabilities.actual[i]));
  const total = gaps.reduce((sum, gap) => sum + gap, 0);
  if (total === 0) return [];
  return gaps
    .map((gap, bin) => ({
      bin,
      expectedShare: probabilities.expected[bin],
      actualShare: probabilities.actual[bin],
      contribution: gap / total,
    }))
    .filter((b) => b.contribution > 0)
    .sort((x, y) => y.contribution - x.contribution || x.bin - y.bin)
    .slice(0, limit);
}
