/**
 * Label coverage of a window: the share of its predictions whose ground truth has been joined so
 * far (labels count on their prediction's minute, once per prediction; labelService.ts):
 *
 *   coverage = labelled / predictions      (null without predictions)
 */
export function labelCoverage(labelled: number, predictions: number): number | null {
  return predictions > 0 ? labelled / predictions : null;
}

/** The label health of one window, as the API and the evaluator report it. */
export interface LabelHealth {
  predictions: number;
  labeled: number;
  coverage: number | null;
}

export function labelHealth(figures: { predictions: number; labeled: number }): LabelHealth {
  return {
    predictions: figures.predictions,
    labeled: figures.labeled,
    coverage: labelCoverage(figures.labeled, figures.predictions),
  };
}
