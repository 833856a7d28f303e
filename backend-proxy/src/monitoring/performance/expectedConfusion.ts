/**
 * The expected confusion matrix of a binary classifier on a window, from its production counts
 * n_b per score bin, calibrated probabilities p_b = P(label = positive | bin b) and the share f_b
 * of bin b that the threshold predicts positive (scoreBins.ts):
 *
 *   TP = Σ n_b f_b p_b           FP = Σ n_b f_b (1 − p_b)
 *   FN = Σ n_b (1 − f_b) p_b     TN = Σ n_b (1 − f_b)(1 − p_b)
 *
 * precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2 TP / (2 TP + FP + FN); null where
 * the denominator is 0. Accuracy, (TP + TN) / N, is estimateBand.ts's estimate (with its band).
 */
export interface ExpectedConfusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function expectedConfusion(
  counts: readonly number[],
  probabilities: readonly number[],
  positiveShare: readonly number[],
): ExpectedConfusion {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  counts.forEach((n, b) => {
    const p = probabilities[b];
    const f = positiveShare[b];
    tp += n * f * p;
    fp += n * f * (1 - p);
    fn += n * (1 - f) * p;
    tn += n * (1 - f) * (1 - p);
  });
  return {
    tp,
    fp,
    fn,
    tn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
  };
}
