/**
 * Estimated accuracy of a window and its 95% band. With n_b window predictions in bin b (N in
 * all), q_b = P(correct | bin b) calibrated on m_b reference rows:
 *
 *   Â = Σ n_b q_b / N
 *   Var = Σ n_b q_b (1 − q_b) / N²            (realized accuracy: a sum of independent Bernoullis)
 *       + Σ (n_b / N)² q_b (1 − q_b) / (m_b + 2)   (calibration: binomial error of each q_b,
 *                                                   m_b + 2 as in the Laplace estimate)
 *   band = Â ± 1.96 √Var, clipped to [0, 1]    (normal approximation)
 *
 * For a multiclass classifier q_b is the calibrated top-class probability (the share of
 * reference rows in confidence bin b whose predicted class was right), so Â is its mean.
 */
export interface AccuracyEstimate {
  estimate: number;
  lower: number;
  upper: number;
  standardError: number;
}

const Z95 = 1.959963984540054;

export function estimateAccuracy(
  counts: readonly number[],
  correctness: readonly number[],
  referenceTotals: readonly number[],
): AccuracyEstimate | null {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  let expected = 0;
  let variance = 0;
  counts.forEach((n, b) => {
    const q = correctness[b];
    const share = n / total;
    expected += n * q;
    variance +=
      (n * q * (1 - q)) / (total * total) + (share * share * q * (1 - q)) / (referenceTotals[b] + 2);
  });
  const estimate = expected / total;
  const standardError = Math.sqrt(variance);
  return {
    estimate,
    lower: Math.max(0, estimate - Z95 * standardError),
    upper: Math.min(1, estimate + Z95 * standardError),
    standardError,
  };
}
