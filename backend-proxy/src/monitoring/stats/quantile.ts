/**
 * Quantile of an ascending array, numpy's default method ('linear', Hyndman & Fan type 7):
 *   h = (n - 1) q,  i = floor(h),  g = h - i
 *   quantile = x[i] + g (x[i+1] - x[i])    (as numpy: x[i+1] - (1 - g)(x[i+1] - x[i]) when g >= 0.5)
 * NaN for an empty array; throws for q outside [0, 1]. `sorted` must be ascending, without NaN.
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is not in [0, 1]`);
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const fraction = position - below;
  if (fraction === 0) return sorted[below];
  const low = sorted[below];
  const high = sorted[below + 1];
  return fraction < 0.5 ? low + (high - low) * fraction : high - (high - low) * (1 - fraction);
}
