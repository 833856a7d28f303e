/**
 * The aggregate layout: how one prediction event becomes counters, and how merged counters read
 * back as window statistics. Counter names use only fixed words and integers:
 *
 *   n, err                      predictions, errors
 *   lat:n, lat:sum, lat:b:<k>   latency count, sum (µs), bucket k of latencyBucketBoundsUs()
 *   <c>:<i>:n|miss|sum|sq|oor   column i of group c (f features, p predictions, y labels):
 *                               present, missing, sum, sum of squares, outside the reference's bins
 *   <c>:<i>:h:<b>               count in reference bin b; min/max kept under <c>:<i>
 *   l:n, l:ok, l:ae, l:se       joined labels, correct, sum |error|, sum error² (the last two: numeric)
 *   l:reg                       written before task inference (aggregates of older versions; unread)
 *   l:c:<a>:<p>                 confusion: actual class bin a, predicted class bin p (categorical)
 *   l:int, l:k:<a>:<p>          numeric pairs whose prediction and label are both integer classes
 *                               (accuracy/task.ts), and their confusion by class value
 *   lh:n, lh:lag:*, lh:rcv,     label health: labelled predictions and their lag (at the
 *   lh:wait, lh:dup             prediction's minute), labels received, waiting, repeated (at the
 *                               label's minute); see labels/labelHealth.ts
 *
 * Counters are stored in two families: `columns` (names starting f:, p:, y:) and `ops` (the
 * rest), so operational queries read small records.
 */
import { asCategory, asNumber, isMissing } from '../reference/columnValues';
import { binIndex } from '../stats/histogramEdges';
import { latencyBucketBoundsUs } from '../stats/histogramQuantile';
import { binCount, type Binning, type ColumnBinning } from './binning';
import type { CounterSet } from './counterSet';
import { integerClassCounter, isIntegerClass } from '../accuracy/task';

export type ColumnGroup = 'f' | 'p' | 'y';

export type CounterFamily = 'ops' | 'columns';

export function familyOf(counter: string): CounterFamily {
  const c = counter.charCodeAt(0);
  // 'f', 'p', 'y' followed by ':'
  return (c === 102 || c === 112 || c === 121) && counter.charCodeAt(1) === 58 ? 'columns' : 'ops';
}

const LATENCY_BOUNDS = latencyBucketBoundsUs();

/** The bin of a value on a column's reference, or null without a reference. */
export function referenceBin(column: ColumnBinning, value: unknown): number | null {
  const ref = column.reference;
  if (!ref) return null;
  if (ref.kind === 'numeric') {
    const n = asNumber(value);
    return n === null ? null : binIndex(ref.edges, n);
  }
  return column.categoryIndex?.get(asCategory(value)) ?? ref.categories.length;
}

function foldLabelColumn(counters: CounterSet, column: ColumnBinning, value: unknown): void {
  const prefix = 'y:0';
  if (isMissing(value)) {
    counters.increment(`${prefix}:miss`);
    return;
  }
  counters.increment(`${prefix}:n`);
  if (column.spec.kind === 'numeric') {
    const n = asNumber(value);
    if (n === null) return;
    counters.increment(`${prefix}:sum`, n);
    counters.increment(`${prefix}:sq`, n * n);
    counters.observe(prefix, n);
  }
  const bin = referenceBin(column, value);
  if (bin === null) return;
  counters.increment(`${prefix}:h:${bin}`);
  if (bin === binCount(column) - 1 || (column.spec.kind === 'numeric' && bin === 0))
    counters.increment(`${prefix}:oor`);
}

/**
 * Adds one ground-truth label joined to its prediction (rare next to predictions, so by name
 * rather than through a fold plan): label distribution, and agreement with
 * the first prediction column. A numeric pair is counted both ways (errors, and integer classes
 * when it has them): which task applies is decided on reading (accuracy/task.ts).
 */
export function foldLabel(counters: CounterSet, binning: Binning, prediction: unknown, label: unknown): void {
  const labelColumn = binning.labels[0];
  if (labelColumn) foldLabelColumn(counters, labelColumn, label);
  const output = binning.predictions[0];
  if (!output || isMissing(label) || isMissing(prediction)) return;
  if (output.spec.kind === 'categorical') {
    counters.increment('l:n');
    if (asCategory(prediction) === asCategory(label)) counters.increment('l:ok');
    const actual = referenceBin(output, label);
    const predicted = referenceBin(output, prediction);
    if (actual !== null && predicted !== null) counters.increment(`l:c:${actual}:${predicted}`);
    return;
  }
  const p = asNumber(prediction);
  const y = asNumber(label);
  if (p === null || y === null) return;
  counters.increment('l:n');
  counters.increment('l:ae', Math.abs(p - y));
  counters.increment('l:se', (p - y) * (p - y));
  if (p === y) counters.increment('l:ok');
  if (isIntegerClass(p) && isIntegerClass(y)) {
    counters.increment('l:int');
    counters.increment(integerClassCounter(y, p));
  }
}

// ------------------------------------------------------------------ reading windows back

export interface ColumnWindow {
  name: string;
  kind: ColumnBinning['spec']['kind'];
  count: number;
  missing: number;
  sum: number;
  sumSquares: number;
  /** NaN when the window has no numeric value. */
  min: number;
  max: number;
  outOfRange: number;
  /** Counts on the reference's bins; null without a reference. */
  histogram: number[] | null;
}

export interface WindowStatistics {
  predictions: number;
  errors: number;
  latency: { count: number; sumUs: number; buckets: number[] };
  features: ColumnWindow[];
  outputs: ColumnWindow[];
  labels: ColumnWindow[];
  agreement: {
    count: number;
    correct: number;
    absErrorSum: number;
    squaredErrorSum: number;
    confusion: number[][] | null;
  };
}

/** One column's counter names (see the top of this file). */
interface ColumnCounterNames {
  /** Where its minimum and maximum are kept. */
  extremes: string;
  present: string;
  missing: string;
  sum: string;
  squares: string;
  outOfRange: string;
  bins: string[];
}

function columnCounterNames(group: ColumnGroup, index: number, column: ColumnBinning): ColumnCounterNames {
  const prefix = `${group}:${index}`;
  return {
    extremes: prefix,
    present: `${prefix}:n`,
    missing: `${prefix}:miss`,
    sum: `${prefix}:sum`,
    squares: `${prefix}:sq`,
    outOfRange: `${prefix}:oor`,
    bins: Array.from({ length: binCount(column) }, (_, b) => `${prefix}:h:${b}`),
  };
}

/** Every counter name a window of one binning reads. */
interface WindowCounterNames {
  features: ColumnCounterNames[];
  predictions: ColumnCounterNames[];
  labels: ColumnCounterNames[];
  /** By actual class, then predicted class (categorical predictions). */
  confusion: string[][];
}

const LATENCY_BUCKET_NAMES = LATENCY_BOUNDS.map((_bound: number, k: number) => `lat:b:${k}`);

// Named once per binning (binnings are cached per endpoint and reference version): a ranking
// reads the same names from every segment's window.
const windowNames = new WeakMap<Binning, WindowCounterNames>();

function windowCounterNames(binning: Binning): WindowCounterNames {
  const known = windowNames.get(binning);
  if (known) return known;
  const output = binning.predictions[0];
  const classes = output && output.spec.kind === 'categorical' ? binCount(output) : 0;
  const names: WindowCounterNames = {
    features: binning.features.map((c, i) => columnCounterNames('f', i, c)),
    predictions: binning.predictions.map((c, i) => columnCounterNames('p', i, c)),
    labels: binning.labels.map((c, i) => columnCounterNames('y', i, c)),
    confusion: Array.from({ length: classes }, (_, a) =>
      Array.from({ length: classes }, (_, p) => `l:c:${a}:${p}`),
    ),
  };
  windowNames.set(binning, names);
  return names;
}

function readColumn(counters: CounterSet, column: ColumnBinning, names: ColumnCounterNames): ColumnWindow {
  return {
    name: column.spec.name,
    kind: column.spec.kind,
    count: counters.get(names.present),
    missing: counters.get(names.missing),
    sum: counters.get(names.sum),
    sumSquares: counters.get(names.squares),
    min: counters.min[names.extremes] ?? Number.NaN,
    max: counters.max[names.extremes] ?? Number.NaN,
    outOfRange: counters.get(names.outOfRange),
    histogram: names.bins.length === 0 ? null : names.bins.map((name) => counters.get(name)),
  };
}

export function readWindow(counters: CounterSet, binning: Binning): WindowStatistics {
  const names = windowCounterNames(binning);
  return {
    predictions: counters.get('n'),
    errors: counters.get('err'),
    latency: {
      count: counters.get('lat:n'),
      sumUs: counters.get('lat:sum'),
      buckets: LATENCY_BUCKET_NAMES.map((name) => counters.get(name)),
    },
    features: binning.features.map((c, i) => readColumn(counters, c, names.features[i])),
    outputs: binning.predictions.map((c, i) => readColumn(counters, c, names.predictions[i])),
    labels: binning.labels.map((c, i) => readColumn(counters, c, names.labels[i])),
    agreement: {
      count: counters.get('l:n'),
      correct: counters.get('l:ok'),
      absErrorSum: counters.get('l:ae'),
      squaredErrorSum: counters.get('l:se'),
      confusion:
        names.confusion.length === 0
          ? null
          : names.confusion.map((row) => row.map((name) => counters.get(name))),
    },
  };
}

export { LATENCY_BOUNDS };
