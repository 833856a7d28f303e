import { alignedProbabilities } from './alignedCounts';

/**
 * Jensen-Shannon distance, as scipy.spatial.distance.jensenshannon(expected, actual, base):
 *   JS = sqrt(½ KL(p || m) + ½ KL(q || m)),  m = (p + q) / 2,  logs in base b (default 2: JS in [0, 1]).
 * Per bin, p ln(p/m) + q ln(q/m) = m f(d) with d = (p - q) / (p + q) and
 * f(d) = 2 d atanh(d) + ln(1 - d²) (f(±1) = 2 ln 2), which avoids scipy's cancellation when p ≈ q.
 */
export function jensenShannonDistance(
  expected: readonly number[],
  actual: readonly number[],
  { logBase = 2 }: { logBase?: number } = {},
): number {
  if (!(logBase > 0 && logBase !== 1)) throw new RangeError(`log base ${logBase} is not positive and != 1`);
  const probabilities = alignedProbabilities(expected, actual);
  if (!probabilities) return NaN;
  const { expected: p, actual: q } = probabilities;
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const total = p[i] + q[i];
    if (total === 0) continue;
    const d = (p[i] - q[i]) / total;
    const f = Math.abs(d) === 1 ? 2 * Math.LN2 : 2 * d * Math.atanh(d) + Math.log1p(-d * d);
    sum += (total / 2) * f;
  }
  return Math.sqrt(Math.max(0, sum / 2 / Math.log(logBase)));
}
