/**
 * Regression errors from running sums over n rows, so they work on merged aggregates:
 *   MAE = Σ |ŷ - y| / n,  RMSE = sqrt(Σ (ŷ - y)² / n).
 * NaN when n = 0.
 */

export function meanAbsoluteError(count: number, sumAbsoluteErrors: number): number {
  return count > 0 ? sumAbsoluteErrors / count : NaN;
}

export function rootMeanSquaredError(count: number, sumSquaredErrors: number): number {
  return count > 0 ? Math.sqrt(sumSquaredErrors / count) : NaN;
}
