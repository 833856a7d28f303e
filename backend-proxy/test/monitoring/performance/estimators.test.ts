import fixtures from '../../fixtures/performance-fixtures.json';
import { calibrateBins } from '../../../src/monitoring/performance/calibration';
import { expectedConfusion } from '../../../src/monitoring/performance/expectedConfusion';
import { estimateAccuracy } from '../../../src/monitoring/performance/estimateBand';
import { unreliableReasons } from '../../../src/monitoring/performance/reliability';
import { correctnessByBin, positiveShareOfBins } from '../../../src/monitoring/performance/scoreBins';

const close = (actual: number | null, expected: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
    1e-12 * Math.max(1, Math.abs(expected)),
  );
};

describe('calibrateBins', () => {
  it('Laplace-smooths each bin and pools adjacent violators', () => {
    // (0+1)/(2+2) = 0.25, then bins 1–2 violate: (3+1 + 1+1) / (4+2 + 4+2) = 0.5.
    expect(calibrateBins([2, 4, 4], [0, 3, 1])).toEqual([0.25, 0.5, 0.5]);
    expect(calibrateBins([0], [0])).toEqual([0.5]);
  });
  it('is non-decreasing and rejects impossible counts', () => {
    const p = calibrateBins([10, 10, 10, 10], [9, 1, 8, 2]);
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThanOrEqual(p[i - 1]);
    expect(() => calibrateBins([1], [2])).toThrow(RangeError);
  });
});

describe.each(fixtures.binary)('binary estimate: $name (numpy)', (c) => {
  const p = calibrateBins(c.referenceTotals, c.referencePositives);
  const positive = positiveShareOfBins(c.edges, c.threshold);
  it('calibrates as numpy', () => {
    p.forEach((value, b) => close(value, c.calibrated[b]));
    positive.forEach((share, b) => close(share, c.positiveShare[b]));
  });
  it('gives numpy’s expected confusion matrix', () => {
    const m = expectedConfusion(c.windowCounts, p, positive);
    for (const key of ['tp', 'fp', 'fn', 'tn', 'precision', 'recall', 'f1'] as const)
      close(m[key], c.confusion[key]);
  });
  it('estimates numpy’s expected-confusion accuracy, (TP + TN) / N', () => {
    const band = estimateAccuracy(c.windowCounts, correctnessByBin(p, positive), c.referenceTotals);
    close(band?.estimate ?? null, c.confusion.accuracy);
  });
  it('gives numpy’s band, which follows realized accuracy under covariate shift', () => {
    const band = estimateAccuracy(c.windowCounts, correctnessByBin(p, positive), c.referenceTotals);
    for (const key of ['estimate', 'lower', 'upper', 'standardError'] as const)
      close(band?.[key] ?? null, c.band[key]);
    expect(Math.abs((band?.estimate ?? 0) - c.realizedAccuracy)).toBeLessThan(0.03);
  });
});

describe.each(fixtures.multiclass)('multiclass estimate: $name (numpy)', (c) => {
  it('is the mean calibrated top-class probability, as numpy, near realized accuracy', () => {
    const q = calibrateBins(c.referenceTotals, c.referenceCorrect);
    q.forEach((value, b) => close(value, c.calibrated[b]));
    const band = estimateAccuracy(c.windowCounts, q, c.referenceTotals);
    for (const key of ['estimate', 'lower', 'upper', 'standardError'] as const)
      close(band?.[key] ?? null, c.band[key]);
    expect(Math.abs((band?.estimate ?? 0) - c.realizedAccuracy)).toBeLessThan(0.03);
  });
});

describe('estimateAccuracy', () => {
  it('has no estimate for an empty window', () => {
    expect(estimateAccuracy([0, 0], [0.5, 0.5], [10, 10])).toBeNull();
  });
});

describe('unreliableReasons', () => {
  it('names a small reference, scores outside its range and thin calibration bins', () => {
    expect(unreliableReasons([0, 50, 50, 0], [0, 600, 600, 0])).toEqual([]);
    expect(unreliableReasons([0, 50, 50, 0], [0, 400, 400, 0])).toEqual([
      'reference too small: 800 labelled rows with a score (fewer than 1000)',
    ]);
    expect(unreliableReasons([2, 88, 10, 0], [0, 1000, 29, 0])).toEqual([
      'scores outside the reference range: 2.0% of the window',
    ]);
    expect(unreliableReasons([0, 88, 12, 0], [0, 1000, 29, 0])).toEqual([
      'calibration poor: 12.0% of the window in score bins with fewer than 30 labelled reference rows',
    ]);
    expect(unreliableReasons([0, 0], [600, 600])).toEqual(['no scored predictions in the window']);
  });
});
