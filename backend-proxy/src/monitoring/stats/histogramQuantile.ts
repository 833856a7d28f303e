/**
 * Quantile estimated from bucket counts, as Prometheus' histogram_quantile: with bucket b the
 * first whose cumulative count reaches rank = q * total, and bucket b spanning (lower, upper]
 * (the first bucket starts at 0),
 *   quantile = lower + (upper - lower) (rank - countBelow_b) / count_b,
 * i.e. observations are assumed spread uniformly inside each bucket. A quantile in the +Inf bucket
 * is reported as the largest finite bound; one in a first bucket whose bound is <= 0 as that bound.
 * Unlike Prometheus (which gives NaN when the first bucket is empty), q = 0 gives the lower bound
 * of the first non-empty bucket. NaN when all counts are 0.
 *
 * latencyBucketBoundsUs: Renard R10 series (1, 1.25, 1.6, 2, 2.5, 3.15, 4, 5, 6.3, 8 per decade)
 * from 50 us to 63 s, then +Inf: 63 buckets. Consecutive bounds differ by a factor 1.25 to 1.28, so
 * an estimate inside (50 us, 63 s] is within 28% of the true quantile (typically far less, as it
 * interpolates); below 50 us the error is under 50 us; above 63 s the estimate is capped at 63 s.
 */

const R10_MANTISSAS = [1, 1.25, 1.6, 2, 2.5, 3.15, 4, 5, 6.3, 8];
const SMALLEST_LATENCY_BOUND_US = 50;
const LARGEST_LATENCY_BOUND_US = 63_000_000;

/** Bucket upper bounds in microseconds, ascending, ending with Infinity. */
export function latencyBucketBoundsUs(): number[] {
  const bounds: number[] = [];
  for (let decade = 10; decade <= LARGEST_LATENCY_BOUND_US; decade *= 10) {
    for (const mantissa of R10_MANTISSAS) {
      const bound = Math.round(mantissa * decade);
      if (bound >= SMALLEST_LATENCY_BOUND_US && bound <= LARGEST_LATENCY_BOUND_US) bounds.push(bound);
    }
  }
  bounds.push(Infinity);
  return bounds;
}

/**
 * The bucket of a value on `upperBounds` (strictly ascending, ending with Infinity): the first
 * bucket b with value <= upperBounds[b], i.e. value in (upperBounds[b - 1], upperBounds[b]].
 * Binary search: ingest calls it per event.
 */
export function upperBoundBucket(upperBounds: readonly number[], value: number): number {
  let lo = 0;
  let hi = upperBounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (upperBounds[mid] >= value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * `upperBounds` strictly ascending and ending with Infinity; `bucketCounts[i]` counts the
 * observations in (upperBounds[i - 1], upperBounds[i]] (per bucket, not cumulative).
 */
export function histogramQuantile(
  upperBounds: readonly number[],
  bucketCounts: readonly number[],
  q: number,
): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is not in [0, 1]`);
  if (upperBounds.length !== bucketCounts.length) {
    throw new RangeError(`${upperBounds.length} bucket bounds but ${bucketCounts.length} counts`);
  }
  if (upperBounds.length < 2 || upperBounds[upperBounds.length - 1] !== Infinity) {
    throw new RangeError('bucket bounds must hold at least one finite bound and end with Infinity');
  }
  let total = 0;
  for (let i = 0; i < bucketCounts.length; i++) {
    if (!(bucketCounts[i] >= 0 && bucketCounts[i] < Infinity)) {
      throw new RangeError(`bucket count ${bucketCounts[i]} is not a finite non-negative number`);
    }
    if (i > 0 && !(upperBounds[i - 1] < upperBounds[i]))
      throw new RangeError('bucket bounds must be ascending');
    total += bucketCounts[i];
  }
  if (total === 0) return NaN;

  const rank = q * total;
  let bucket = 0;
  let countBelow = 0;
  while (bucketCounts[bucket] === 0 || countBelow + bucketCounts[bucket] < rank) {
    countBelow += bucketCounts[bucket];
    bucket++;
  }
  const lastBucket = upperBounds.length - 1;
  if (bucket === lastBucket) return upperBounds[lastBucket - 1];
  if (bucket === 0 && upperBounds[0] <= 0) return upperBounds[0];
  const lower = bucket === 0 ? 0 : upperBounds[bucket - 1];
  return lower + (upperBounds[bucket] - lower) * ((rank - countBelow) / bucketCounts[bucket]);
}
