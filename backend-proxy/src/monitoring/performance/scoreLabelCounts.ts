import { numericValue } from '../../reports/columnProfile';
import { asCategory, isMissing } from '../reference/columnValues';
import { binIndex } from '../stats/histogramEdges';
import type { ScoreLabelCounts } from '../reference/types';

/** More label values than this: not a classifier's labels, so no per-class counts. */
export const MAX_LABEL_CLASSES = 20;

interface ScoreColumn {
  name: string;
  index: number;
  edges: number[];
}

/**
 * Counts, while a reference is read, each numeric prediction column's rows per reference bin
 * jointly with the label: rows with a score and a label, rows per label value, and rows whose
 * first prediction column equals the label. What calibration.ts fits on.
 */
export class ScoreLabelCounter {
  private readonly counts: ScoreLabelCounts[];
  private readonly classes: Array<Map<string, number[]> | null>;

  constructor(
    private readonly columns: readonly ScoreColumn[],
    private readonly labelIndex: number,
    private readonly firstPredictionIndex: number,
  ) {
    this.counts = columns.map((c) => ({
      column: c.name,
      totals: new Array<number>(c.edges.length + 1).fill(0),
      agreeing: new Array<number>(c.edges.length + 1).fill(0),
      labels: [],
    }));
    this.classes = columns.map(() => new Map());
  }

  add(cells: readonly unknown[]): void {
    const label = cells[this.labelIndex];
    if (isMissing(label)) return;
    const key = asCategory(label);
    const prediction = cells[this.firstPredictionIndex];
    const agrees = !isMissing(prediction) && asCategory(prediction) === key;
    this.columns.forEach((column, i) => {
      const score = numericValue(cells[column.index]);
      if (score === null) return;
      const bin = binIndex(column.edges, score);
      const counts = this.counts[i];
      counts.totals[bin] += 1;
      if (agrees) counts.agreeing[bin] += 1;
      const classes = this.classes[i];
      if (!classes) return;
      let perBin = classes.get(key);
      if (!perBin) {
        if (classes.size >= MAX_LABEL_CLASSES) {
          this.classes[i] = null;
          return;
        }
        perBin = new Array<number>(column.edges.length + 1).fill(0);
        classes.set(key, perBin);
      }
      perBin[bin] += 1;
    });
  }

  result(): ScoreLabelCounts[] {
    return this.counts.map((c, i) => {
      const classes = this.classes[i];
      const labels = classes
        ? [...classes.entries()]
            .sort((a, b) => (a[0] < b[0] ? -1 : 1))
            .map(([value, counts]) => ({ value, counts }))
        : null;
      return { ...c, labels };
    });
  }
}
