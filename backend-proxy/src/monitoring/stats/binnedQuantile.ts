/**
 * Quantile of values counted on `counts.length` equal-width bins over [min, max] (bin b spans
 * [min + b w, min + (b + 1) w), w = (max - min) / counts.length, the last bin closed), with numpy's
 * 'linear' ranks (as quantileSorted): h = (n - 1) q, the value of rank k (0-based) estimated as
 *   x_k ~ min + w (b + (k - below_b + 0.5) / count_b)    (b: the bin holding rank k)
 * and the quantile = x_i + (h - i)(x_{i+1} - x_i), i = floor(h), clamped to [min, max].
 * Both ranks lie in their bins, so |estimate - exact quantile| <= w: `binnedQuantileError`.
 * NaN when all counts are 0.
 */
export function binnedQuantile(counts: ArrayLike<number>, min: number, max: number, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is not in [0, 1]`);
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (total === 0) return NaN;
  const width = (max - min) / counts.length;
  const valueOfRank = (rank: number): number => {
    let below = 0;
    let bin = 0;
    while (below + counts[bin] <= rank) below += counts[bin++];
    return min + width * (bin + (rank - below + 0.5) / counts[bin]);
  };
  const position = (total - 1) * q;
  const low = Math.floor(position);
  const fraction = position - low;
  const lowValue = valueOfRank(low);
  const value = fraction === 0 ? lowValue : lowValue + fraction * (valueOfRank(low + 1) - lowValue);
  return Math.min(max, Math.max(min, value));
}

/** The largest error of binnedQuantile on these bins: one bin width. */
export function binnedQuantileError(binCount: number, min: number, max: number): number {
  return (max - min) / binCount;
}

/** The bin of `value` among `binCount` equal-width bins over [min, max] (the last bin closed). */
export function equalWidthBin(binCount: number, min: number, max: number, value: number): number {
  if (max === min) return 0;
  const bin = Math.floor(((value - min) / (max - min)) * binCount);
  return bin < 0 ? 0 : bin >= binCount ? binCount - 1 : bin;
}
