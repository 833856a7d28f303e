import { alignedProbabilities } from './alignedCounts';

/** TVD = ½ Σ |p_i - q_i|, in [0, 1] (MLRun's `tvd`). */
export function totalVariationDistance(expected: readonly number[], actual: readonly number[]): number {
  const probabilities = alignedProbabilities(expected, actual);
  if (!probabilities) return NaN;
  const { expected: p, actual: q } = probabilities;
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += Math.abs(p[i] - q[i]);
  return sum / 2;
}
