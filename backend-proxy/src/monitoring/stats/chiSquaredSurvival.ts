import { regularizedUpperGamma } from './regularizedGamma';

/** P(X > x) for X ~ χ²(k):  Q(k / 2, x / 2), the regularized upper incomplete gamma function. */
export function chiSquaredSurvival(x: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0))
    throw new RangeError(`degrees of freedom ${degreesOfFreedom} must be positive`);
  return x <= 0 ? 1 : regularizedUpperGamma(degreesOfFreedom / 2, x / 2);
}
