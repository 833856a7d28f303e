/** ULP distances and steps between doubles, against values computed by hand from their bits. */
import { stepUlps, ulpDistance } from '../../src/store/ulpSteps';

describe('ulp steps', () => {
  it('counts the doubles between two values away from zero, for either sign', () => {
    expect(ulpDistance(0.3, 0.1 + 0.2)).toBe(1);
    expect(ulpDistance(-0.3, -(0.1 + 0.2))).toBe(1);
    expect(ulpDistance(0.1 + 0.2, 0.3)).toBe(-1);
    // Between 1 and 2 the doubles are 2^-52 apart.
    expect(ulpDistance(1, 1 + 5 * 2 ** -52)).toBe(5);
    // Across a power of two the spacing halves below it: 2 - 2^-52 is one step below 2.
    expect(ulpDistance(2, 2 - 2 ** -52)).toBe(-1);
  });

  it('is NaN across zero, at zero and off the finite doubles', () => {
    expect(ulpDistance(1, -1)).toBeNaN();
    expect(ulpDistance(0, 1e-300)).toBeNaN();
    expect(ulpDistance(1, Infinity)).toBeNaN();
    expect(ulpDistance(NaN, 1)).toBeNaN();
  });

  it('steps back to the value it measured, across the low word of the bits', () => {
    expect(stepUlps(0.3, 1)).toBe(0.1 + 0.2);
    expect(stepUlps(-0.3, 1)).toBe(-(0.1 + 0.2));
    expect(stepUlps(1, 5)).toBe(1 + 5 * 2 ** -52);
    expect(stepUlps(2, -1)).toBe(2 - 2 ** -52);
    // 1 + (2^32 - 1) ULPs has every bit of the low word set; one more step carries into the high word.
    const allLow = 1 + (2 ** 32 - 1) * 2 ** -52;
    expect(stepUlps(allLow, 1)).toBe(1 + 2 ** 32 * 2 ** -52);
    expect(stepUlps(1 + 2 ** 32 * 2 ** -52, -1)).toBe(allLow);
    for (const v of [188.8374000000001, 640.1087389399994, -12.0145, 1e-310])
      for (const d of [-40, -1, 0, 3, 63]) expect(ulpDistance(v, stepUlps(v, d))).toBe(d);
  });
});
