import { isotonicCalibration } from '../../../src/monitoring/estimation/isotonicCalibration';
import { expectedConfusion, type Estimate } from '../../../src/monitoring/estimation/expectedAccuracy';
import { estimateReliability } from '../../../src/monitoring/estimation/estimateReliability';
import { expectClose, fixtures } from '../stats/mathFixtures';

const { binary, multiclass } = fixtures.estimation;
const close = (actual: Estimate | null, [value, sd]: number[]) => {
  expect(actual).not.toBeNull();
  expectClose((actual as Estimate).value, value, 1e-12, 1e-14);
  expectClose((actual as Estimate).sd, sd, 1e-10, 1e-15);
};

describe('isotonic calibration on score bins (scipy.optimize.isotonic_regression)', () => {
  it.each([
    ['binary', binary.referenceRows, binary.referencePositives, binary],
    ['multiclass', multiclass.referenceRows, multiclass.referenceCorrect, multiclass],
  ])('%s reference', (_name, rows, positives, expected) => {
    const calibration = isotonicCalibration(rows, positives);
    calibration.probability.forEach((p, b) => expectClose(p, expected.probability[b], 1e-12, 1e-15));
    expect(calibration.block).toEqual(expected.block);
    expect(calibration.blockRows).toEqual(expected.blockRows);
  });

  it('pools decreasing rates, fills empty bins from the block before, and rejects impossible counts', () => {
    // Rates 0.5, 0.25 pool to 3/8; the empty middle bin takes that; the last bin stands alone.
    const c = isotonicCalibration([4, 4, 0, 2], [2, 1, 0, 2]);
    expect(c.probability).toEqual([3 / 8, 3 / 8, 3 / 8, 1]);
    expect(c.blockRows).toEqual([8, 2]);
    expect(() => isotonicCalibration([1], [2])).toThrow(RangeError);
    expect(() => isotonicCalibration([0, 0], [0, 0])).toThrow(RangeError);
  });
});

describe('expected confusion under covariate shift (P(label | features) fixed)', () => {
  const binaryCalibration = isotonicCalibration(binary.referenceRows, binary.referencePositives);
  it.each(binary.windows.map((w) => [w.shift, w] as const))(
    'binary, feature mean shifted by %s: numpy expected confusion, metrics and bands',
    (_shift, w) => {
      const e = expectedConfusion(w.counts, binaryCalibration, binary.predictedPositive);
      expect(e).not.toBeNull();
      if (!e) return;
      expectClose(e.truePositives, w.expected.tp, 1e-12);
      expectClose(e.falsePositives, w.expected.fp, 1e-12);
      expectClose(e.falseNegatives, w.expected.fn, 1e-12);
      expectClose(e.trueNegatives, w.expected.tn, 1e-12);
      close(e.accuracy, w.expected.accuracy);
      close(e.precision, w.expected.precision);
      close(e.recall, w.expected.recall);
      close(e.f1, w.expected.f1);
      // The estimate follows the realized accuracy of the simulated labels: inside its 95% band.
      expect(w.realizedAccuracy).toBeGreaterThanOrEqual(e.accuracy.low);
      expect(w.realizedAccuracy).toBeLessThanOrEqual(e.accuracy.high);
      expect(estimateReliability(binary.referenceRows, binaryCalibration, w.counts)).toEqual([]);
    },
  );

  const multiclassCalibration = isotonicCalibration(multiclass.referenceRows, multiclass.referenceCorrect);
  it.each(multiclass.windows.map((w) => [w.shift.join(', '), w] as const))(
    'multiclass (calibrated top-class probability), features shifted by (%s)',
    (_shift, w) => {
      const e = expectedConfusion(w.counts, multiclassCalibration, new Array(w.counts.length).fill(true));
      close(e?.accuracy ?? null, w.accuracy);
      expect(w.realizedAccuracy).toBeGreaterThanOrEqual(e?.accuracy.low ?? 1);
      expect(w.realizedAccuracy).toBeLessThanOrEqual(e?.accuracy.high ?? 0);
    },
  );

  it('says when the estimate is unreliable', () => {
    const small = isotonicCalibration([30, 30], [10, 20]);
    // 60 reference rows; the whole window in a bin the reference barely saw.
    expect(estimateReliability([30, 5], isotonicCalibration([30, 5], [10, 4]), [0, 100])).toEqual([
      'reference_too_small',
      'scores_outside_reference',
      'calibration_uncertain',
    ]);
    expect(estimateReliability([30, 30], small, [50, 50])).toContain('calibration_uncertain');
    expect(expectedConfusion([0, 0], small, [false, true])).toBeNull();
  });
});
