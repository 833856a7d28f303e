/**
 * When an estimate from calibrated scores should not be trusted, as reasons (none: reliable):
 *   reference too small   Σ m_b < MIN_REFERENCE_ROWS labelled reference rows with a score
 *   outside the range     (n_0 + n_last) / N > MAX_OUT_OF_RANGE_SHARE: window scores in the outer
 *                         bins, below or above every reference score, where nothing was calibrated
 *   calibration poor      Σ_{inner b: m_b < MIN_BIN_ROWS} n_b / N > MAX_THIN_SHARE: the window sits
 *                         in bins whose calibrated probability rests on few reference rows
 */
export const RELIABILITY = {
  minReferenceRows: 1_000,
  maxOutOfRangeShare: 0.01,
  minBinRows: 30,
  maxThinShare: 0.1,
} as const;

const percent = (share: number) => `${(100 * share).toFixed(1)}%`;

export function unreliableReasons(counts: readonly number[], referenceTotals: readonly number[]): string[] {
  const reasons: string[] = [];
  const referenceRows = referenceTotals.reduce((sum, m) => sum + m, 0);
  if (referenceRows < RELIABILITY.minReferenceRows)
    reasons.push(
      `reference too small: ${referenceRows} labelled rows with a score (fewer than ${RELIABILITY.minReferenceRows})`,
    );
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return [...reasons, 'no scored predictions in the window'];
  const last = counts.length - 1;
  const outside = (counts[0] + counts[last]) / total;
  if (outside > RELIABILITY.maxOutOfRangeShare)
    reasons.push(`scores outside the reference range: ${percent(outside)} of the window`);
  let thin = 0;
  for (let b = 1; b < last; b++) if (referenceTotals[b] < RELIABILITY.minBinRows) thin += counts[b];
  if (thin / total > RELIABILITY.maxThinShare)
    reasons.push(
      `calibration poor: ${percent(thin / total)} of the window in score bins with fewer than ${RELIABILITY.minBinRows} labelled reference rows`,
    );
  return reasons;
}
