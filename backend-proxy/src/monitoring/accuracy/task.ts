/**
 * Which task an endpoint's predictions are judged as, decided once here for ingest folding,
 * /accuracy, /metrics, Grafana and Prometheus alike.
 *
 * Rule: an explicit `task` on the endpoint registration wins. Otherwise a categorical prediction is
 * classification; a numeric one is classification when every labelled pair of the window has an
 * integer prediction and an integer label in [-MAX_CLASS_VALUE, MAX_CLASS_VALUE] and at most
 * MAX_INTEGER_CLASSES distinct classes occur among them; else regression.
 */
import type { CounterSet } from '../aggregates/counterSet';
import type { PredictionTask } from './predictionTasks';

export type TaskSource = 'explicit' | 'inferred';

export interface TaskDecision {
  task: PredictionTask;
  taskSource: TaskSource;
}

/** Largest |value| of an integer class (keeps the per-class counters of a window bounded). */
export const MAX_CLASS_VALUE = 32;
/** Most distinct integer classes a numeric prediction may show and still be classification. */
export const MAX_INTEGER_CLASSES = 20;

/** Whether a number is an integer class value under the rule above. */
export function isIntegerClass(x: number): boolean {
  return Number.isInteger(x) && Math.abs(x) <= MAX_CLASS_VALUE;
}

/** Counter names of integer-class agreement: actual class a, predicted class p. */
export const integerClassCounter = (actual: number, predicted: number): string =>
  `l:k:${actual}:${predicted}`;
const INTEGER_CLASS_PREFIX = 'l:k:';

/** The integer classes counted in a window, with their confusion cells. */
export function integerClassCells(
  counters: CounterSet,
): { actual: string; predicted: string; count: number }[] {
  const cells: { actual: string; predicted: string; count: number }[] = [];
  for (const [name, count] of Object.entries(counters.add)) {
    if (!name.startsWith(INTEGER_CLASS_PREFIX) || count <= 0) continue;
    const [actual, predicted] = name.slice(INTEGER_CLASS_PREFIX.length).split(':');
    cells.push({ actual, predicted, count });
  }
  return cells;
}

/**
 * The task of a window's label agreement. `explicit` is the registration's task (null when unset);
 * `counters` are the window's merged `ops` counters (see layout.ts: l:n, l:int, l:k:<a>:<p>).
 */
export function decideTask({ explicit, predictionKind }: TaskSetting, counters: CounterSet): TaskDecision {
  if (explicit) return { task: explicit, taskSource: 'explicit' };
  if (predictionKind !== 'numeric') return { task: 'classification', taskSource: 'inferred' };
  const labeled = counters.get('l:n');
  const integerPairs = counters.get('l:int');
  if (labeled === 0 || integerPairs < labeled) return { task: 'regression', taskSource: 'inferred' };
  const classes = new Set<string>();
  for (const c of integerClassCells(counters)) classes.add(c.actual).add(c.predicted);
  return {
    task: classes.size <= MAX_INTEGER_CLASSES ? 'classification' : 'regression',
    taskSource: 'inferred',
  };
}

/** What of an endpoint the task decision needs. */
export interface TaskSetting {
  explicit: PredictionTask | null;
  /** The first prediction column's kind (a FeatureKind; a string so the store types can import this module). */
  predictionKind: string | undefined;
}

export function taskSettingOf(endpoint: {
  task?: PredictionTask | null;
  predictionColumns: { kind: string }[];
}): TaskSetting {
  return { explicit: endpoint.task ?? null, predictionKind: endpoint.predictionColumns[0]?.kind };
}
