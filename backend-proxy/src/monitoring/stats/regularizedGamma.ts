import { logGamma } from './logGamma';

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) for a > 0, x >= 0, with the
 * prefactor f = x^a e^(-x) / Γ(a) (Numerical Recipes §6.2):
 *   x < a + 1:  Q = 1 - f Σ_{n>=0} x^n / (a (a + 1) ... (a + n))                 (series for P)
 *   otherwise:  Q = f / (x + 1 - a - 1·(1 - a) / (x + 3 - a - 2·(2 - a) / (x + 5 - a - ...)))
 *               (continued fraction, modified Lentz), which keeps full relative precision in the tail.
 */

const RELATIVE_TOLERANCE = 1e-16;
const MAX_ITERATIONS = 100_000;
const TINY = 1e-300;

export function regularizedUpperGamma(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`regularizedUpperGamma(${a}, ${x}) needs a > 0 and x >= 0`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  const prefactor = Math.exp(a * Math.log(x) - x - logGamma(a));
  return x < a + 1 ? 1 - prefactor * lowerSeries(a, x) : prefactor * upperContinuedFraction(a, x);
}

function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n <= MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * RELATIVE_TOLERANCE) return sum;
  }
  throw new Error(`incomplete gamma series did not converge for a = ${a}, x = ${x}`);
}

function upperContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let fraction = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    fraction *= delta;
    if (Math.abs(delta - 1) < RELATIVE_TOLERANCE) return fraction;
  }
  throw new Error(`incomplete gamma continued fraction did not converge for a = ${a}, x = ${x}`);
}
