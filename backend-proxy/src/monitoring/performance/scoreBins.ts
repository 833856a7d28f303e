/**
 * The share of each reference bin of a score column that a threshold t predicts positive. The
 * bins are those of histogramEdges.ts: bin 0 below edges[0], bin i in [edges[i−1], edges[i]), the
 * last at or above the last edge. Scores are taken as uniform within an inner bin, so the bin that
 * holds t is split; an outer bin is all on the side of its edge:
 *
 *   f_b = clamp((hi_b − t) / (hi_b − lo_b), 0, 1)      inner bin [lo_b, hi_b)
 *   f_0 = [edges[0] ≥ t],  f_last = [edges[last] ≥ t]
 */
export function positiveShareOfBins(edges: readonly number[], threshold: number): number[] {
  const last = edges.length;
  return Array.from({ length: last + 1 }, (_, b) => {
    if (b === 0) return edges[0] >= threshold ? 1 : 0;
    if (b === last) return edges[last - 1] >= threshold ? 1 : 0;
    const lo = edges[b - 1];
    const hi = edges[b];
    return Math.min(1, Math.max(0, (hi - threshold) / (hi - lo)));
  });
}

/**
 * P(prediction correct | bin) from p_b = P(positive | bin) and the bin's predicted-positive share
 * f_b: q_b = f_b p_b + (1 − f_b)(1 − p_b).
 */
export function correctnessByBin(
  probabilities: readonly number[],
  positiveShare: readonly number[],
): number[] {
  return probabilities.map((p, b) => positiveShare[b] * p + (1 - positiveShare[b]) * (1 - p));
}
