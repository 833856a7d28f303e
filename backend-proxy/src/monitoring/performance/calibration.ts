/**
 * Histogram-binning calibration, fitted on the reference: per score bin b with m_b reference rows
 * of which k_b had the event (label = positive class, or prediction correct),
 *
 *   p̂_b = (k_b + 1) / (m_b + 2)                     (Laplace: an empty bin reads 1/2, not 0/0)
 *
 * then made non-decreasing in b by pool-adjacent-violators (isotonic regression on the bins,
 * weights m_b + 2): adjacent bins that violate the order are pooled, and a pool reads
 * Σ(k_b + 1) / Σ(m_b + 2). Higher scores never get a lower calibrated probability.
 */
export function calibrateBins(totals: readonly number[], events: readonly number[]): number[] {
  if (totals.length !== events.length) throw new RangeError('totals and events differ in length');
  // Each block: summed numerator, summed weight, number of bins it covers.
  const blocks: { k: number; w: number; bins: number }[] = [];
  for (let b = 0; b < totals.length; b++) {
    if (events[b] < 0 || events[b] > totals[b]) throw new RangeError(`bin ${b}: events outside [0, total]`);
    blocks.push({ k: events[b] + 1, w: totals[b] + 2, bins: 1 });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1];
      const previous = blocks[blocks.length - 2];
      if (previous.k / previous.w <= last.k / last.w) break;
      blocks.splice(blocks.length - 2, 2, {
        k: previous.k + last.k,
        w: previous.w + last.w,
        bins: previous.bins + last.bins,
      });
    }
  }
  return blocks.flatMap((block) => new Array<number>(block.bins).fill(block.k / block.w));
}
