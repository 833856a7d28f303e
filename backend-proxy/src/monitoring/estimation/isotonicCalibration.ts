/**
 * Score calibration by isotonic regression on the reference's score bins (histogram binning made
 * monotone): with n_b reference rows in score bin b (bins ascending) of which k_b are positive
 * (binary: the label is the positive class; multiclass: the top-class prediction is right),
 *   p = argmin_{p_1 <= … <= p_B} Σ_b n_b (k_b / n_b − p_b)²,
 * solved exactly by pool-adjacent-violators: adjacent bins whose rates decrease are pooled into one
 * block with rate Σk / Σn. Empty bins take their neighbour block's rate (no weight). The result is
 * the isotonic regression of the reference's labels on its scores, restricted to bin-constant
 * functions. Each bin also carries its block's size: the calibration's sampling variance is
 * p (1 − p) / n_block (a binomial proportion), and bins of one block share that error.
 */
export interface BinCalibration {
  /** Calibrated probability per bin. */
  probability: number[];
  /** Block index per bin (bins of one block share one fitted rate). */
  block: number[];
  /** Reference rows in each block. */
  blockRows: number[];
}

export function isotonicCalibration(rows: readonly number[], positives: readonly number[]): BinCalibration {
  if (rows.length !== positives.length) throw new RangeError('rows and positives differ in length');
  const blocks: Array<{ n: number; k: number; first: number; last: number }> = [];
  rows.forEach((n, b) => {
    const k = positives[b];
    if (!(n >= 0 && k >= 0 && k <= n)) throw new RangeError(`bin ${b}: ${k} positives of ${n} rows`);
    if (n === 0) return;
    blocks.push({ n, k, first: b, last: b });
    // Pool while the last block's rate is below the one before it.
    while (blocks.length > 1) {
      const [prev, last] = blocks.slice(-2);
      if (prev.k / prev.n <= last.k / last.n) break;
      blocks.splice(-2, 2, { n: prev.n + last.n, k: prev.k + last.k, first: prev.first, last: last.last });
    }
  });
  if (blocks.length === 0) throw new RangeError('the reference has no scored rows');
  const probability: number[] = [];
  const block: number[] = [];
  let j = 0;
  for (let b = 0; b < rows.length; b++) {
    // Empty bins between blocks join the block before them (the first block before it starts).
    while (j + 1 < blocks.length && blocks[j + 1].first <= b) j++;
    probability.push(blocks[j].k / blocks[j].n);
    block.push(j);
  }
  return { probability, block, blockRows: blocks.map((x) => x.n) };
}
