/** Independent arithmetic for drift assertions: plain formulas on hand-derived histograms. */
export const normalise = (counts: number[]) => {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => c / total);
};
export const tvd = (a: number[], b: number[]) => {
  const [p, q] = [normalise(a), normalise(b)];
  return 0.5 * p.reduce((s, pi, i) => s + Math.abs(pi - q[i]), 0);
};
export const hellinger = (a: number[], b: number[]) => {
  const [p, q] = [normalise(a), normalise(b)];
  return Math.sqrt(Math.max(0, 1 - p.reduce((s, pi, i) => s + Math.sqrt(pi * q[i]), 0)));
};
/** Bin of x on the reference 0..99 (20 bins of width 4.95, open bins 0 and 21). */
export const xBin = (v: number) => (v < 0 ? 0 : v > 99 ? 21 : v === 99 ? 20 : Math.floor(v / 4.95) + 1);
