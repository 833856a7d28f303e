/**
 * Survival function of the Kolmogorov distribution (the limit of sqrt(n) D_n), as
 * scipy.special.kolmogorov / scipy.stats.kstwobign.sf:
 *   x >= 1:  Q(x) = 2 Σ_{k>=1} (-1)^(k-1) e^(-2 k² x²)                    (full relative precision in the tail)
 *   x < 1:   Q(x) = 1 - sqrt(2π) / x Σ_{k>=1} e^(-(2k-1)² π² / (8 x²))      (the alternating series converges slowly there)
 */

const NEGLIGIBLE = 1e-17;

export function kolmogorovSurvival(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (x < 1) {
    const exponent = -(Math.PI * Math.PI) / (8 * x * x);
    let sum = 0;
    for (let k = 1; ; k++) {
      const term = Math.exp((2 * k - 1) * (2 * k - 1) * exponent);
      sum += term;
      if (term <= sum * NEGLIGIBLE) return 1 - (Math.sqrt(2 * Math.PI) / x) * sum;
    }
  }
  let sum = 0;
  for (let k = 1; ; k++) {
    const term = Math.exp(-2 * k * k * x * x);
    sum += k % 2 === 1 ? term : -term;
    if (term <= sum * NEGLIGIBLE) return 2 * sum;
  }
}
