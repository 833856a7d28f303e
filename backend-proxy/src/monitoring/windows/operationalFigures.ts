import type { CounterSet } from '../aggregates/counterSet';
import { LATENCY_BOUNDS } from '../aggregates/layout';
import { meanAbsoluteError, rootMeanSquaredError } from '../accuracy/regressionMetrics';
import type { PredictionTask } from '../accuracy/predictionTasks';
import { decideTask, type TaskSetting, type TaskSource } from '../accuracy/task';
import { labelHealth, type LabelHealth } from '../labels/labelHealth';
import { finiteOrNull } from '../stats/finite';
import { histogramQuantile } from '../stats/histogramQuantile';

/** What devops read off a window: throughput, errors, latency (ms), and label agreement. */
export interface OperationalFigures {
  predictions: number;
  errors: number;
  /** errors / predictions; null without predictions. */
  errorRate: number | null;
  predictionsPerSecond: number;
  latencyMeanMs: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  /** Labels joined to predictions of the window. */
  labeled: number;
  /** The task the labelled figures are computed for (accuracy/task.ts), and how it was decided. */
  task: PredictionTask;
  taskSource: TaskSource;
  /** Classification: share of correct predictions among labelled ones. */
  accuracy: number | null;
  /** Regression: mean absolute and root mean squared error. */
  mae: number | null;
  rmse: number | null;
  /** Label coverage, lag and unmatched labels (labels/labelHealth.ts). */
  labels: LabelHealth;
}

// Built once: series call this for every step, and the names were most of its cost.
const BUCKET_NAMES = LATENCY_BOUNDS.map((_bound, k) => `lat:b:${k}`);

export function operationalFigures(
  counters: CounterSet,
  durationMs: number,
  taskSetting: TaskSetting,
): OperationalFigures {
  const predictions = counters.get('n');
  const errors = counters.get('err');
  const latencyCount = counters.get('lat:n');
  const buckets = latencyCount > 0 ? BUCKET_NAMES.map((name) => counters.get(name)) : [];
  const quantileMs = (q: number) =>
    latencyCount > 0 ? finiteOrNull(histogramQuantile(LATENCY_BOUNDS, buckets, q) / 1_000) : null;
  const labeled = counters.get('l:n');
  const { task, taskSource } = decideTask(taskSetting, counters);
  const regression = task === 'regression';
  return {
    predictions,
    errors,
    errorRate: predictions > 0 ? errors / predictions : null,
    predictionsPerSecond: durationMs > 0 ? predictions / (durationMs / 1_000) : 0,
    latencyMeanMs: latencyCount > 0 ? counters.get('lat:sum') / latencyCount / 1_000 : null,
    latencyP50Ms: quantileMs(0.5),
    latencyP95Ms: quantileMs(0.95),
    latencyP99Ms: quantileMs(0.99),
    labeled,
    task,
    taskSource,
    accuracy: labeled > 0 && !regression ? counters.get('l:ok') / labeled : null,
    mae: labeled > 0 && regression ? meanAbsoluteError(labeled, counters.get('l:ae')) : null,
    rmse: labeled > 0 && regression ? rootMeanSquaredError(labeled, counters.get('l:se')) : null,
    labels: labelHealth(counters, predictions),
  };
}
