/**
 * Which reference bins of a score column a threshold t predicts positive. The bins are those of
 * histogramEdges.ts: bin 0 below edges[0], bin i in [edges[i−1], edges[i]), the last at or above
 * the last edge. A bin's representative score is its midpoint; an outer bin's is its edge:
 *
 *   positive_b = representative_b ≥ t
 */
export function predictedPositiveBins(edges: readonly number[], threshold: number): boolean[] {
  const last = edges.length;
  return Array.from({ length: last + 1 }, (_, b) => {
    const representative = b === 0 ? edges[0] : b === last ? edges[last - 1] : (edges[b - 1] + edges[b]) / 2;
    return representative >= threshold;
  });
}

/**
 * P(prediction correct | bin) from P(positive | bin): p_b where the bin is predicted positive,
 * 1 − p_b where it is predicted negative.
 */
export function correctnessByBin(
  probabilities: readonly number[],
  predictedPositive: readonly boolean[],
): number[] {
  return probabilities.map((p, b) => (predictedPositive[b] ? p : 1 - p));
}
