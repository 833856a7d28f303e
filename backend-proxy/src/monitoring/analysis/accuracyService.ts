import type { EndpointRecord } from '../../store/types';
import type { CounterSet } from '../aggregates/counterSet';
import { readWindow } from '../aggregates/layout';
import { classificationMetrics, type ClassMetrics } from '../accuracy/classificationMetrics';
import { meanAbsoluteError, rootMeanSquaredError } from '../accuracy/regressionMetrics';
import { decideTask, integerClassCells, taskSettingOf, type TaskSource } from '../accuracy/task';
import type { ReferenceService } from '../reference/referenceService';
import { aggregatesIdOf, segmentOf, type SegmentOf, type SegmentScope } from '../segments/segmentScope';
import type { WindowService } from '../windows/windowService';

/** Agreement of predictions with the ground truth joined to them in a window. */
export type AccuracyReport = SegmentOf &
  (
    | {
        endpointId: string;
        from: number;
        to: number;
        task: 'classification';
        taskSource: TaskSource;
        labeled: number;
        accuracy: number | null;
        classes: ClassMetrics[];
      }
    | {
        endpointId: string;
        from: number;
        to: number;
        task: 'regression';
        taskSource: TaskSource;
        labeled: number;
        mae: number | null;
        rmse: number | null;
      }
    | { endpointId: string; from: number; to: number; task: 'unknown'; labeled: number; reason: string }
  );

/** The "other" class: predictions or labels outside the reference's categories. */
export const OTHER_CLASS = '(other)';

/** Share of labelled predictions that agreed with their label, or null with no labels. */
function agreementShare(counters: CounterSet): number | null {
  const labeled = counters.get('l:n');
  return labeled > 0 ? counters.get('l:ok') / labeled : null;
}

/** A classification endpoint's accuracy in a window's `ops` counters; null for other tasks. */
export function realizedClassificationAccuracy(
  endpoint: EndpointRecord,
  counters: CounterSet,
): { labeled: number; accuracy: number | null } | null {
  if (!endpoint.predictionColumns[0]) return null;
  if (decideTask(taskSettingOf(endpoint), counters).task !== 'classification') return null;
  return { labeled: counters.get('l:n'), accuracy: agreementShare(counters) };
}

export class AccuracyService {
  constructor(
    private readonly windows: WindowService,
    private readonly references: ReferenceService,
  ) {}

  /** The endpoint's figures, or one segment's. */
  async report(
    endpoint: EndpointRecord,
    from: number,
    to: number,
    segment?: SegmentScope,
  ): Promise<AccuracyReport> {
    const base = {
      endpointId: endpoint.id,
      ...segmentOf(segment),
      from,
      to,
    };
    const output = endpoint.predictionColumns[0];
    const version = endpoint.referenceVersion;
    const counters = await this.windows.counters(aggregatesIdOf(endpoint.id, segment), from, to, {
      families: ['ops'],
      referenceVersion: version,
    });
    const labeled = counters.get('l:n');
    if (!output)
      return { ...base, task: 'unknown', labeled, reason: 'the endpoint has no prediction column' };
    const { task, taskSource } = decideTask(taskSettingOf(endpoint), counters);
    if (task === 'regression') {
      return {
        ...base,
        task,
        taskSource,
        labeled,
        mae: labeled > 0 ? meanAbsoluteError(labeled, counters.get('l:ae')) : null,
        rmse: labeled > 0 ? rootMeanSquaredError(labeled, counters.get('l:se')) : null,
      };
    }
    const accuracy = agreementShare(counters);
    if (output.kind === 'numeric') {
      // Integer classes are counted by value (layout.ts l:k:<a>:<p>), not on the reference's bins.
      const metrics = classificationMetrics(integerClassCells(counters));
      return { ...base, task, taskSource, labeled, accuracy, classes: metrics.classes };
    }
    const binning = await this.references.binningFor(endpoint, version);
    const column = binning.predictions[0]?.reference;
    const window = readWindow(counters, binning);
    if (!column || column.kind !== 'categorical' || !window.agreement.confusion) {
      return {
        ...base,
        task: 'unknown',
        labeled,
        reason: 'per-class figures need a reference with the prediction column',
      };
    }
    const names = [...column.categories, OTHER_CLASS];
    const cells = window.agreement.confusion.flatMap((row, a) =>
      row.map((count, p) => ({ actual: names[a], predicted: names[p], count })),
    );
    const metrics = classificationMetrics(cells.filter((c) => c.count > 0));
    // Accuracy from the exact agreement counter: classes folded into "other" could look equal in the matrix.
    return { ...base, task, taskSource, labeled, accuracy, classes: metrics.classes };
  }
}
