import { alignedProbabilities } from './alignedCounts';

/**
 * klDivergence: KL(P || Q) = Σ p_i log_b(p_i / q_i) with P = expected, Q = actual, after
 * replacing empty bins (p_i = 0 or q_i = 0) by epsilon and renormalising each side to sum 1,
 * so it equals scipy.stats.entropy(p', q', base=b) (and Evidently's `kl_div`) and stays >= 0.
 * Defaults: epsilon 1e-4, natural log. With epsilon 0, terms with p_i = 0 count 0 and a bin with
 * p_i > 0 = q_i makes the divergence Infinity.
 *
 * symmetricKlDivergence: MLRun's `kld` (KullbackLeiblerDivergence in
 * mlrun/model_monitoring/metrics/histogram_distance.py), natural log:
 *   Σ_{p_i > 0} p_i ln(p_i / q̃_i) + Σ_{q_i > 0} q_i ln(q_i / p̃_i),   x̃ = x if x > 0 else zeroScaling (1e-4),
 * i.e. empty bins count 0 where they are the weight and zeroScaling where they are the
 * denominator, without renormalising; a bin holding less than zeroScaling on one side only can
 * therefore contribute a (slightly) negative amount. Bins non-empty on both sides are summed as
 * (p_i - q_i) ln(p_i / q_i), the same value without cancellation between the two directions.
 */

export interface KlDivergenceOptions {
  /** Probability given to empty bins before renormalising; default 1e-4. */
  epsilon?: number;
  /** Logarithm base; default e (nats). */
  logBase?: number;
}

export function klDivergence(
  expected: readonly number[],
  actual: readonly number[],
  { epsilon = 1e-4, logBase = Math.E }: KlDivergenceOptions = {},
): number {
  if (!(epsilon >= 0 && epsilon < 1)) throw new RangeError(`epsilon ${epsilon} is not in [0, 1)`);
  if (!(logBase > 0 && logBase !== 1)) throw new RangeError(`log base ${logBase} is not positive and != 1`);
  const probabilities = alignedProbabilities(expected, actual);
  if (!probabilities) return NaN;
  const p = withEmptyBinsAt(probabilities.expected, epsilon);
  const q = withEmptyBinsAt(probabilities.actual, epsilon);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] > 0) sum += p[i] * Math.log(p[i] / q[i]);
  }
  return sum / Math.log(logBase);
}

export function symmetricKlDivergence(
  expected: readonly number[],
  actual: readonly number[],
  { zeroScaling = 1e-4 }: { zeroScaling?: number } = {},
): number {
  if (!(zeroScaling > 0)) throw new RangeError(`zeroScaling ${zeroScaling} must be positive`);
  const probabilities = alignedProbabilities(expected, actual);
  if (!probabilities) return NaN;
  const { expected: p, actual: q } = probabilities;
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] > 0 && q[i] > 0) sum += (p[i] - q[i]) * Math.log(p[i] / q[i]);
    else if (p[i] > 0) sum += p[i] * Math.log(p[i] / zeroScaling);
    else if (q[i] > 0) sum += q[i] * Math.log(q[i] / zeroScaling);
  }
  return sum;
}

function withEmptyBinsAt(probabilities: readonly number[], epsilon: number): number[] {
  const smoothed = probabilities.map((probability) => (probability > 0 ? probability : epsilon));
  const total = smoothed.reduce((sum, value) => sum + value, 0);
  return smoothed.map((value) => value / total);
}
