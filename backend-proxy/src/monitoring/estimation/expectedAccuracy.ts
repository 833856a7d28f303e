/**
 * Estimated (CBPE-style) performance of a window from its score histogram on the reference's
 * bins and the calibrated probability p_b of each bin (isotonicCalibration.ts). Bin b is
 * predicted positive when `predictedPositive[b]` (the decision threshold lies on a bin edge);
 * multiclass passes the top-class probability histogram with every bin "positive", so p_b is the
 * chance the predicted class is right. With n_b window predictions in bin b:
 *   E[TP] = Σ_{b+} n_b p_b,  E[FP] = Σ_{b+} n_b (1 − p_b),  E[FN] = Σ_{b−} n_b p_b,  E[TN] = Σ_{b−} n_b (1 − p_b)
 *   accuracy = (TP + TN) / N,  precision = TP / (TP + FP),  recall = TP / (TP + FN),  F1 = 2TP / (2TP + FP + FN).
 * Band (95%, normal): the realized count of positives in a bin is a sum of n_b Bernoulli(p_b), so
 *   Var_b = n_b p_b (1 − p_b)  +  calibration: (Σ_{b∈block} n_b)² p (1 − p) / n_block per block,
 * (bins of one block share one fitted rate); Var(TP) and Var(FN) add these over b+ and b− (they are
 * independent: disjoint blocks unless a block spans the threshold, then its calibration term is
 * split by side and the two parts treated as independent).
 * accuracy's variance is the sum over all bins / N²; precision's / (TP + FP)² (TP + FP is known);
 * recall and F1 by the delta method on TP and FN:
 *   Var(recall) = (FN² Var TP + TP² Var FN) / (TP + FN)⁴,
 *   Var(F1) = 4 ((P + FN)² Var TP + TP² Var FN) / (P + TP + FN)⁴ with P = TP + FP.
 */
import type { BinCalibration } from './isotonicCalibration';

export interface Estimate {
  value: number;
  /** value ± 1.96 standard deviations, clipped to [0, 1]. */
  low: number;
  high: number;
  sd: number;
}

export interface ExpectedConfusion {
  n: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  accuracy: Estimate;
  precision: Estimate | null;
  recall: Estimate | null;
  f1: Estimate | null;
}

const Z95 = 1.959963984540054;
const estimate = (value: number, variance: number): Estimate => {
  const sd = Math.sqrt(Math.max(0, variance));
  return { value, sd, low: Math.max(0, value - Z95 * sd), high: Math.min(1, value + Z95 * sd) };
};

export function expectedConfusion(
  counts: readonly number[],
  calibration: BinCalibration,
  predictedPositive: readonly boolean[],
): ExpectedConfusion | null {
  const { probability: p, block, blockRows } = calibration;
  if (counts.length !== p.length || predictedPositive.length !== p.length)
    throw new RangeError('counts, calibration and decisions differ in length');
  let n = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let varTp = 0;
  let varFn = 0;
  // Window rows per (block, side): the calibration term of each.
  const blockMass = new Map<string, { rows: number; block: number; positive: boolean }>();
  counts.forEach((nb, b) => {
    if (nb === 0) return;
    n += nb;
    const positive = predictedPositive[b];
    const bernoulli = nb * p[b] * (1 - p[b]);
    if (positive) {
      tp += nb * p[b];
      fp += nb * (1 - p[b]);
      varTp += bernoulli;
    } else {
      fn += nb * p[b];
      tn += nb * (1 - p[b]);
      varFn += bernoulli;
    }
    const key = `${block[b]}:${positive}`;
    const mass = blockMass.get(key) ?? { rows: 0, block: block[b], positive };
    mass.rows += nb;
    blockMass.set(key, mass);
  });
  if (n === 0) return null;
  for (const { rows, block: j, positive } of blockMass.values()) {
    // The block's rate: any of its bins has it.
    const rate = p[block.indexOf(j)];
    const calibrationVariance = (rows * rows * rate * (1 - rate)) / blockRows[j];
    if (positive) varTp += calibrationVariance;
    else varFn += calibrationVariance;
  }
  const predictedP = tp + fp;
  const actualP = tp + fn;
  const d = predictedP + actualP;
  return {
    n,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: tn,
    // TP + TN = TP + (N⁻ − FN): its variance is Var TP + Var FN.
    accuracy: estimate((tp + tn) / n, (varTp + varFn) / (n * n)),
    precision: predictedP > 0 ? estimate(tp / predictedP, varTp / (predictedP * predictedP)) : null,
    recall: actualP > 0 ? estimate(tp / actualP, (fn * fn * varTp + tp * tp * varFn) / actualP ** 4) : null,
    f1:
      d > 0
        ? estimate((2 * tp) / d, (4 * ((predictedP + fn) ** 2 * varTp + tp * tp * varFn)) / d ** 4)
        : null,
  };
}
