/**
 * Reference values for the monitoring math suites, written by scripts/generate-math-fixtures.py
 * (numpy, scipy and 50-digit mpmath). JSON has no NaN or infinities: null stands for NaN and the
 * strings "Infinity" / "-Infinity" for the infinities.
 */
import fixtures from '../../fixtures/math-fixtures.json';

export { fixtures };

export function fromJson(value: number | string | null): number {
  if (value === null) return NaN;
  return typeof value === 'string' ? Number(value) : value;
}

/** |actual - expected| <= relative |expected| + absolute; NaN matches only NaN. */
export function expectClose(actual: number, expected: number, relative: number, absolute = 0): void {
  if (Number.isNaN(expected)) {
    expect(actual).toBeNaN();
    return;
  }
  const tolerance = relative * Math.abs(expected) + absolute;
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(`expected ${actual} to be within ${tolerance} of ${expected}`);
  }
}
