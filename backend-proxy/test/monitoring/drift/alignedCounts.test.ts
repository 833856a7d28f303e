import { chiSquaredTest } from '../../../src/monitoring/drift/chiSquaredTest';
import { hellingerDistance } from '../../../src/monitoring/drift/hellingerDistance';
import { jensenShannonDistance } from '../../../src/monitoring/drift/jensenShannonDistance';
import { klDivergence, symmetricKlDivergence } from '../../../src/monitoring/drift/klDivergence';
import { kolmogorovSmirnov } from '../../../src/monitoring/drift/kolmogorovSmirnov';
import { populationStabilityIndex } from '../../../src/monitoring/drift/populationStabilityIndex';
import { totalVariationDistance } from '../../../src/monitoring/drift/totalVariationDistance';
import { wassersteinDistance } from '../../../src/monitoring/drift/wassersteinDistance';

const measures: Array<[string, (expected: number[], actual: number[]) => number]> = [
  ['totalVariationDistance', totalVariationDistance],
  ['hellingerDistance', hellingerDistance],
  ['klDivergence', (e, a) => klDivergence(e, a)],
  ['symmetricKlDivergence', (e, a) => symmetricKlDivergence(e, a)],
  ['populationStabilityIndex', (e, a) => populationStabilityIndex(e, a)],
  ['jensenShannonDistance', (e, a) => jensenShannonDistance(e, a)],
  ['kolmogorovSmirnov', (e, a) => kolmogorovSmirnov(e, a).statistic],
  [
    'wassersteinDistance',
    (e, a) =>
      wassersteinDistance(
        e,
        a,
        e.map((_, i) => i),
      ),
  ],
  ['chiSquaredTest', (e, a) => chiSquaredTest(e, a).statistic],
];

describe.each(measures)('%s input handling', (_name, measure) => {
  it('is NaN when either histogram is empty', () => {
    expect(measure([0, 0, 0], [1, 2, 3])).toBeNaN();
    expect(measure([1, 2, 3], [0, 0, 0])).toBeNaN();
    expect(measure([], [])).toBeNaN();
  });

  it('rejects misaligned, negative and non-finite counts', () => {
    expect(() => measure([1, 2], [1, 2, 3])).toThrow(/aligned/);
    expect(() => measure([1, -2], [1, 2])).toThrow(/non-negative/);
    expect(() => measure([1, NaN], [1, 2])).toThrow(/non-negative/);
    expect(() => measure([1, 2], [Infinity, 2])).toThrow(/non-negative/);
  });

  it('accepts fractional (weighted) counts', () => {
    expect(measure([0.5, 1.5], [1, 3])).toBeCloseTo(0, 12);
  });
});
