import { alignedProbabilities } from './alignedCounts';

/**
 * PSI = Σ (q_i - p_i) ln(q_i / p_i) with p = expected, q = actual, where empty bins count as
 * epsilon (default 1e-4, not renormalised, as in Evidently and the common credit-risk recipe).
 * Every term is >= 0. Usual reading: < 0.1 stable, 0.1 to 0.25 moderate shift, > 0.25 major shift.
 */
export function populationStabilityIndex(
  expected: readonly number[],
  actual: readonly number[],
  { epsilon = 1e-4 }: { epsilon?: number } = {},
): number {
  if (!(epsilon > 0)) throw new RangeError(`epsilon ${epsilon} must be positive`);
  const probabilities = alignedProbabilities(expected, actual);
  if (!probabilities) return NaN;
  const { expected: p, actual: q } = probabilities;
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const expectedShare = p[i] > 0 ? p[i] : epsilon;
    const actualShare = q[i] > 0 ? q[i] : epsilon;
    sum += (actualShare - expectedShare) * Math.log(actualShare / expectedShare);
  }
  return sum;
}
