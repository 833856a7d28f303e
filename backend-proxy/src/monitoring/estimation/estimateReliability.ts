/**
 * When an estimated performance should not be trusted, as reasons (empty: reliable):
 *   reference_too_small       fewer than MIN_REFERENCE_ROWS scored and labelled reference rows;
 *   scores_outside_reference  more than MAX_UNSUPPORTED_SHARE of the window's predictions fall in
 *                             bins where the reference has fewer than MIN_BIN_ROWS rows (the
 *                             calibration there is extrapolated from a neighbour);
 *   calibration_uncertain     the calibration term alone gives the accuracy a standard deviation
 *                             above MAX_CALIBRATION_SD (too few reference rows per block).
 */
import type { BinCalibration } from './isotonicCalibration';

export const MIN_REFERENCE_ROWS = 1_000;
export const MIN_BIN_ROWS = 10;
export const MAX_UNSUPPORTED_SHARE = 0.05;
export const MAX_CALIBRATION_SD = 0.02;

export type UnreliableReason = 'reference_too_small' | 'scores_outside_reference' | 'calibration_uncertain';

export function estimateReliability(
  referenceRows: readonly number[],
  calibration: BinCalibration,
  windowCounts: readonly number[],
): UnreliableReason[] {
  const reasons: UnreliableReason[] = [];
  const total = referenceRows.reduce((s, n) => s + n, 0);
  if (total < MIN_REFERENCE_ROWS) reasons.push('reference_too_small');
  const n = windowCounts.reduce((s, c) => s + c, 0);
  if (n === 0) return reasons;
  const unsupported = windowCounts.reduce((s, c, b) => s + (referenceRows[b] < MIN_BIN_ROWS ? c : 0), 0);
  if (unsupported / n > MAX_UNSUPPORTED_SHARE) reasons.push('scores_outside_reference');
  // Σ over blocks of (window share in the block)² p (1 − p) / n_block.
  const share = new Map<number, number>();
  windowCounts.forEach((c, b) =>
    share.set(calibration.block[b], (share.get(calibration.block[b]) ?? 0) + c / n),
  );
  let variance = 0;
  for (const [j, w] of share) {
    const rate = calibration.probability[calibration.block.indexOf(j)];
    variance += (w * w * rate * (1 - rate)) / calibration.blockRows[j];
  }
  if (Math.sqrt(variance) > MAX_CALIBRATION_SD) reasons.push('calibration_uncertain');
  return reasons;
}
