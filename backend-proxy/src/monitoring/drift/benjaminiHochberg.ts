/**
 * Benjamini-Hochberg adjusted p-values, as scipy.stats.false_discovery_control(p, method='bh'):
 *   with p_(1) <= ... <= p_(m) sorted, p̃_(i) = min_{j >= i} min(1, m p_(j) / j),
 * returned in the input's order. Rejecting p̃ <= alpha controls the false discovery rate at alpha;
 * when nothing drifted (every null true) that is the chance of any false alarm, so an endpoint's
 * status stays quiet with probability >= 1 - alpha however many features it has.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  for (const p of pValues) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value ${p} is not in [0, 1]`);
  }
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a] - pValues[b]);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const i = order[rank - 1];
    running = Math.min(running, (m * pValues[i]) / rank);
    adjusted[i] = running;
  }
  return adjusted;
}
