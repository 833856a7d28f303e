/**
 * Equal-width bin edges as numpy.histogram_bin_edges(bins=binCount, range=(min, max)):
 *   edges[i] = min + i (max - min) / binCount for i < binCount,  edges[binCount] = max,
 * and, as numpy, a degenerate range min === max becomes [min - 0.5, max + 0.5].
 * binIndex counts a value into an array of edges.length + 1 bins:
 *   0: value < edges[0];  i in 1..binCount: edges[i-1] <= value < edges[i], the last inner bin
 *   also taking value === edges[binCount] (numpy.histogram semantics);  edges.length: value > edges[binCount].
 */

export function equalWidthEdges(min: number, max: number, binCount = 20): number[] {
  if (!Number.isInteger(binCount) || binCount < 1) {
    throw new RangeError(`binCount ${binCount} is not a positive integer`);
  }
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new RangeError(`[${min}, ${max}] is not a finite range`);
  }
  const first = min === max ? min - 0.5 : min;
  const last = min === max ? max + 0.5 : max;
  const step = (last - first) / binCount;
  const edges = Array.from({ length: binCount + 1 }, (_, i) => (i === binCount ? last : i * step + first));
  for (let i = 1; i < edges.length; i++) {
    if (!(edges[i - 1] < edges[i])) {
      throw new RangeError(`[${min}, ${max}] is too narrow for ${binCount} distinct bins in float64`);
    }
  }
  return edges;
}

/** `edges` ascending; throws for NaN, which belongs in no bin. */
export function binIndex(edges: readonly number[], value: number): number {
  if (Number.isNaN(value)) throw new RangeError('NaN has no histogram bin');
  const lastEdge = edges.length - 1;
  if (value === edges[lastEdge]) return lastEdge;
  // Binary search for the number of edges <= value: that count is the bin index.
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (edges[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
