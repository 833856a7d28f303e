/**
 * Classification metrics from a sparse confusion matrix, one cell per (actual, predicted) pair
 * (cells for the same pair add up; labels are compared as strings):
 *   accuracy = Σ_c n(c, c) / N,  precision_c = n(c, c) / Σ_a n(a, c),  recall_c = n(c, c) / Σ_p n(c, p).
 * NaN where the denominator is 0 (accuracy of an empty matrix, precision of a class never
 * predicted, recall of a class never observed), where scikit-learn would warn and report 0.
 * Classes are every label seen as actual or predicted, sorted by code unit (`Array.prototype.sort`).
 */

export interface ConfusionCell {
  actual: string;
  predicted: string;
  count: number;
}

export interface ClassMetrics {
  label: string;
  /** Rows whose actual label is this class. */
  support: number;
  /** Rows predicted as this class. */
  predicted: number;
  truePositives: number;
  precision: number;
  recall: number;
}

export interface ClassificationMetrics {
  total: number;
  correct: number;
  accuracy: number;
  classes: ClassMetrics[];
}

export function classificationMetrics(cells: readonly ConfusionCell[]): ClassificationMetrics {
  const byLabel = new Map<string, { support: number; predicted: number; truePositives: number }>();
  const countsFor = (label: string) => {
    let entry = byLabel.get(label);
    if (!entry) byLabel.set(label, (entry = { support: 0, predicted: 0, truePositives: 0 }));
    return entry;
  };
  let total = 0;
  let correct = 0;
  for (const { actual, predicted, count } of cells) {
    if (!(count >= 0 && count < Infinity))
      throw new RangeError(`confusion count ${count} is not a finite non-negative number`);
    total += count;
    countsFor(actual).support += count;
    countsFor(predicted).predicted += count;
    if (actual === predicted) {
      correct += count;
      countsFor(actual).truePositives += count;
    }
  }
  const classes = [...byLabel.keys()].sort().map((label) => {
    const { support, predicted, truePositives } = countsFor(label);
    return {
      label,
      support,
      predicted,
      truePositives,
      precision: predicted > 0 ? truePositives / predicted : NaN,
      recall: support > 0 ? truePositives / support : NaN,
    };
  });
  return { total, correct, accuracy: total > 0 ? correct / total : NaN, classes };
}
