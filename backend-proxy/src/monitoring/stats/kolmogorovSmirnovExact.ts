/**
 * Exact two-sided p-value of the two-sample Kolmogorov-Smirnov statistic D of samples of sizes n1
 * and n2 without ties across them, as scipy.stats.ks_2samp(method='exact'):
 *   with g = gcd(n1, n2), L = n1 n2 / g and h = round(D L), p = P(D_{n1,n2} >= h / L) = the share
 *   of the C(n1 + n2, n1) lattice paths from (0, 0) to (n1, n2) that reach |x n2 - y n1| / g >= h.
 * Computed forward in probability space (Hodges' inside method): each path is a uniformly random
 * interleaving, so from (x, y) the next step is +x with probability (n1 - x) / (n1 + n2 - x - y);
 * the mass still inside the band is carried column by column and the mass that first leaves it is
 * summed. A sum of positive terms keeps tiny p-values accurate (no 1 - p cancellation).
 * O(n1 · band) time, O(n2) memory.
 */
export function kolmogorovSmirnovExactPValue(n1: number, n2: number, statistic: number): number {
  if (!(Number.isInteger(n1) && Number.isInteger(n2) && n1 > 0 && n2 > 0))
    throw new RangeError(`sample sizes ${n1} and ${n2} must be positive integers`);
  const g = gcd(n1, n2);
  const a = n2 / g;
  const b = n1 / g;
  const h = Math.round(statistic * (n1 / g) * n2);
  if (h <= 0) return 1;
  const total = n1 + n2;
  // Inside the band at column x: |x a - y b| < h.
  const low = (x: number) => Math.max(0, Math.floor((x * a - h) / b) + 1);
  const high = (x: number) => Math.min(n2, Math.ceil((x * a + h) / b) - 1);
  let previous = new Float64Array(n2 + 1);
  let current = new Float64Array(n2 + 1);
  let outside = 0;
  let previousLow = 0;
  let previousHigh = high(0);
  previous[0] = 1;
  for (let y = 1; y <= previousHigh; y++) previous[y] = (previous[y - 1] * (n2 - y + 1)) / (total - y + 1);
  if (previousHigh < n2) outside += (previous[previousHigh] * (n2 - previousHigh)) / (total - previousHigh);
  for (let x = 1; x <= n1; x++) {
    const currentLow = low(x);
    const currentHigh = high(x);
    if (currentHigh < currentLow) return 1;
    const stepX = (y: number) => (n1 - x + 1) / (total - x + 1 - y);
    // Mass of the previous column stepping +x out of the band.
    for (let y = previousLow; y <= previousHigh; y++) {
      if (y < currentLow || y > currentHigh) outside += previous[y] * stepX(y);
    }
    for (let y = currentLow; y <= currentHigh; y++) {
      const fromLeft = y >= previousLow && y <= previousHigh ? previous[y] * stepX(y) : 0;
      const fromBelow = y > currentLow ? (current[y - 1] * (n2 - y + 1)) / (total - x - y + 1) : 0;
      current[y] = fromLeft + fromBelow;
    }
    if (currentHigh < n2) outside += (current[currentHigh] * (n2 - currentHigh)) / (total - x - currentHigh);
    [previous, current] = [current, previous];
    previousLow = currentLow;
    previousHigh = currentHigh;
  }
  return Math.min(1, outside);
}

function gcd(x: number, y: number): number {
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}
