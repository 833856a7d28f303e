/** The demo's random draws. */
import { Random } from '../../src/demo/random';

describe('demo traffic counts', () => {
  it('Poisson draws keep their mean for large means (exp(-mean) underflows beyond ~745)', () => {
    const random = new Random(11);
    for (const mean of [3, 1_200, 10_000]) {
      const draws = Array.from({ length: 200 }, () => random.poisson(mean));
      const average = draws.reduce((a, b) => a + b, 0) / draws.length;
      // 200 draws: the standard error of the average is sqrt(mean / 200).
      expect(Math.abs(average - mean)).toBeLessThan(5 * Math.sqrt(mean / 200));
    }
  });
});
