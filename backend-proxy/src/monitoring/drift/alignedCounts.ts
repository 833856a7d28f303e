/**
 * Shared input handling of the drift measures: two aligned count vectors (same length, finite,
 * non-negative), their totals n = Σ expected_i and m = Σ actual_i, and the probabilities
 * p_i = expected_i / n, q_i = actual_i / m. Null when either total is 0 (the measures then return
 * NaN); throws on malformed input.
 */

export interface CountTotals {
  expectedTotal: number;
  actualTotal: number;
}

export interface Probabilities {
  expected: number[];
  actual: number[];
}

export function alignedCountTotals(
  expected: readonly number[],
  actual: readonly number[],
): CountTotals | null {
  if (expected.length !== actual.length) {
    throw new RangeError(`histograms are not aligned: ${expected.length} vs ${actual.length} bins`);
  }
  const expectedTotal = countTotal(expected);
  const actualTotal = countTotal(actual);
  return expectedTotal === 0 || actualTotal === 0 ? null : { expectedTotal, actualTotal };
}

export function alignedProbabilities(
  expected: readonly number[],
  actual: readonly number[],
): Probabilities | null {
  const totals = alignedCountTotals(expected, actual);
  if (!totals) return null;
  return {
    expected: expected.map((count) => count / totals.expectedTotal),
    actual: actual.map((count) => count / totals.actualTotal),
  };
}

function countTotal(counts: readonly number[]): number {
  let total = 0;
  for (const count of counts) {
    if (!(count >= 0 && count < Infinity))
      throw new RangeError(`bin count ${count} is not a finite non-negative number`);
    total += count;
  }
  return total;
}
