import { alignedCountTotals } from './alignedCounts';

/**
 * First Wasserstein (earth mover's) distance between two binned distributions whose bin i sits at
 * positions[i], as scipy.stats.wasserstein_distance(positions, positions, u_weights=expected,
 * v_weights=actual):
 *   W1 = Σ_k |P(x_(k)) - Q(x_(k))| (x_(k+1) - x_(k)),  x_(k) the positions in ascending order,
 *   P and Q the cumulative probabilities up to and including x_(k).
 * In the units of the positions (e.g. bin midpoints), so it reflects how far mass moved.
 */
export function wassersteinDistance(
  expected: readonly number[],
  actual: readonly number[],
  positions: readonly number[],
): number {
  if (positions.length !== expected.length) {
    throw new RangeError(`${positions.length} positions for ${expected.length} bins`);
  }
  if (!positions.every(Number.isFinite)) throw new RangeError('bin positions must be finite numbers');
  const totals = alignedCountTotals(expected, actual);
  if (!totals) return NaN;
  const { expectedTotal, actualTotal } = totals;
  const order = positions.map((_, i) => i).sort((a, b) => positions[a] - positions[b]);
  let expectedBelow = 0;
  let actualBelow = 0;
  let distance = 0;
  for (let k = 0; k < order.length - 1; k++) {
    expectedBelow += expected[order[k]];
    actualBelow += actual[order[k]];
    const cdfGap = Math.abs(expectedBelow / expectedTotal - actualBelow / actualTotal);
    distance += cdfGap * (positions[order[k + 1]] - positions[order[k]]);
  }
  return distance;
}
