import { alignedProbabilities } from './alignedCounts';

/**
 * Hellinger distance H = sqrt(max(0, 1 - Σ sqrt(p_i q_i))), in [0, 1] (MLRun's `hellinger`),
 * evaluated as sqrt(½ Σ (sqrt p_i - sqrt q_i)²), equal for normalised p and q but free of the
 * cancellation that makes MLRun's float64 form return ~1e-8 for identical histograms.
 */
export function hellingerDistance(expected: readonly number[], actual: readonly number[]): number {
  const probabilities = alignedProbabilities(expected, actual);
  if (!probabilities) return NaN;
  const { expected: p, actual: q } = probabilities;
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += (Math.sqrt(p[i]) - Math.sqrt(q[i])) ** 2;
  return Math.min(1, Math.sqrt(sum / 2));
}
