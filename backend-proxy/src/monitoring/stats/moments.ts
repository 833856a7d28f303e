/**
 * Moments from running sums, so they work on aggregates merged by adding counters:
 *   mean = sum / n
 *   sampleVariance = (sumSquares - sum * mean) / (n - 1)      (ddof = 1, as pandas `describe`)
 *   sampleStd = sqrt(sampleVariance)
 * NaN when undefined (n = 0 for the mean, n < 2 for the variance). The one-pass formula loses
 * about (mean / std)^2 * 1e-16 relative precision to cancellation; a result that rounding makes
 * slightly negative is returned as 0.
 */

export function mean(count: number, sum: number): number {
  return count > 0 ? sum / count : NaN;
}

export function sampleVariance(count: number, sum: number, sumSquares: number): number {
  if (!(count > 1)) return NaN;
  return Math.max(0, (sumSquares - sum * (sum / count)) / (count - 1));
}

export function sampleStd(count: number, sum: number, sumSquares: number): number {
  return Math.sqrt(sampleVariance(count, sum, sumSquares));
}
