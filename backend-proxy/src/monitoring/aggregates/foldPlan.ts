import { asNumber, isMissing } from '../reference/columnValues';
import { upperBoundBucket } from '../stats/histogramQuantile';
import { binCount, type Binning, type ColumnBinning } from './binning';
import { CounterSet } from './counterSet';
import { familyOf, LATENCY_BOUNDS, referenceBin, type ColumnGroup } from './layout';
import type { CounterLayout, CounterVector } from '../../store/types';

const NONE = new Float64Array(0);

/**
 * Ingest's fast path. Every counter an endpoint's events can touch gets a slot in typed arrays,
 * so folding an event is array arithmetic; counter names (see layout.ts) are only written when
 * a minute's counters leave for the store.
 */
interface ColumnSlots {
  column: ColumnBinning;
  numeric: boolean;
  present: number;
  missing: number;
  sum: number;
  squares: number;
  outOfRange: number;
  /** First histogram slot; -1 without a reference. */
  bins: number;
  binCount: number;
  /** Slot in the min/max arrays; -1 for categorical columns. */
  extremum: number;
}

export class FoldPlan {
  readonly names: string[] = [];
  readonly extremaNames: string[] = [];
  readonly predictions: number;
  readonly errors: number;
  readonly latencyCount: number;
  readonly latencySum: number;
  readonly latencyBuckets: number;
  readonly features: ColumnSlots[];
  readonly outputs: ColumnSlots[];
  /** Slots before this one are `ops` counters, the rest `columns` (so each family is a subarray). */
  readonly columnsStart: number;
  readonly ops: CounterLayout;
  readonly columns: CounterLayout;

  constructor(readonly binning: Binning) {
    this.predictions = this.slot('n');
    this.errors = this.slot('err');
    this.latencyCount = this.slot('lat:n');
    this.latencySum = this.slot('lat:sum');
    this.latencyBuckets = this.names.length;
    LATENCY_BOUNDS.forEach((_bound, k) => this.slot(`lat:b:${k}`));
    const columnsStart = this.names.length;
    this.features = binning.features.map((c, i) => this.columnSlots('f', i, c));
    this.outputs = binning.predictions.map((c, i) => this.columnSlots('p', i, c));
    this.columnsStart = columnsStart;
    this.ops = { family: 'ops', names: this.names.slice(0, columnsStart), extremaNames: [] };
    this.columns = {
      family: 'columns',
      names: this.names.slice(columnsStart),
      extremaNames: this.extremaNames,
    };
    for (const layout of [this.ops, this.columns])
      for (const name of [...layout.names, ...layout.extremaNames])
        if (familyOf(name) !== layout.family)
          throw new Error(`fold plan slot ${name} is not in ${layout.family}`);
  }

  private slot(name: string): number {
    this.names.push(name);
    return this.names.length - 1;
  }

  private columnSlots(group: ColumnGroup, index: number, column: ColumnBinning): ColumnSlots {
    const prefix = `${group}:${index}`;
    const numeric = column.spec.kind === 'numeric';
    const bins = binCount(column);
    const slots: ColumnSlots = {
      column,
      numeric,
      present: this.slot(`${prefix}:n`),
      missing: this.slot(`${prefix}:miss`),
      sum: numeric ? this.slot(`${prefix}:sum`) : -1,
      squares: numeric ? this.slot(`${prefix}:sq`) : -1,
      outOfRange: bins > 0 ? this.slot(`${prefix}:oor`) : -1,
      bins: bins > 0 ? this.names.length : -1,
      binCount: bins,
      extremum: numeric ? this.extremaNames.push(prefix) - 1 : -1,
    };
    for (let b = 0; b < bins; b++) this.slot(`${prefix}:h:${b}`);
    return slots;
  }
}

const plans = new WeakMap<Binning, FoldPlan>();

/** One plan per binning (binnings are cached per endpoint and reference version). */
export function planFor(binning: Binning): FoldPlan {
  let plan = plans.get(binning);
  if (!plan) {
    plan = new FoldPlan(binning);
    plans.set(binning, plan);
  }
  return plan;
}

export interface FoldablePrediction {
  /** Values by feature name. */
  features: Record<string, unknown>;
  /** Values by prediction column name. */
  outputs: Record<string, unknown>;
  latencyUs: number | null;
  error: boolean;
}

/** The counters of one endpoint-minute while a batch is folded. */
export class MinuteAccumulator {
  private readonly sums: Float64Array;
  private readonly mins: Float64Array;
  private readonly maxs: Float64Array;

  constructor(private readonly plan: FoldPlan) {
    this.sums = new Float64Array(plan.names.length);
    this.mins = new Float64Array(plan.extremaNames.length).fill(Infinity);
    this.maxs = new Float64Array(plan.extremaNames.length).fill(-Infinity);
  }

  fold(event: FoldablePrediction): void {
    const { plan, sums } = this;
    sums[plan.predictions] += 1;
    if (event.error) sums[plan.errors] += 1;
    if (event.latencyUs !== null) {
      sums[plan.latencyCount] += 1;
      sums[plan.latencySum] += event.latencyUs;
      sums[plan.latencyBuckets + upperBoundBucket(LATENCY_BOUNDS, event.latencyUs)] += 1;
    }
    for (const slots of plan.features) this.foldColumn(slots, event.features[slots.column.spec.name]);
    for (const slots of plan.outputs) this.foldColumn(slots, event.outputs[slots.column.spec.name]);
  }

  private foldColumn(slots: ColumnSlots, value: unknown): void {
    const { sums } = this;
    if (isMissing(value)) {
      sums[slots.missing] += 1;
      return;
    }
    sums[slots.present] += 1;
    if (slots.numeric) {
      const n = asNumber(value);
      if (n === null) return;
      sums[slots.sum] += n;
      sums[slots.squares] += n * n;
      if (n < this.mins[slots.extremum]) this.mins[slots.extremum] = n;
      if (n > this.maxs[slots.extremum]) this.maxs[slots.extremum] = n;
    }
    if (slots.bins < 0) return;
    const bin = referenceBin(slots.column, value);
    if (bin === null) return;
    sums[slots.bins + bin] += 1;
    // Numeric: the open bins below and above the reference range; categorical: "other".
    if (bin === slots.binCount - 1 || (slots.numeric && bin === 0)) sums[slots.outOfRange] += 1;
  }

  /** The counters of each family, as views of this accumulator's arrays. */
  toVectors(): CounterVector[] {
    const { plan } = this;
    const vectors: CounterVector[] = [
      { layout: plan.ops, sums: this.sums.subarray(0, plan.columnsStart), mins: NONE, maxs: NONE },
    ];
    if (plan.columns.names.length)
      vectors.push({
        layout: plan.columns,
        sums: this.sums.subarray(plan.columnsStart),
        mins: this.mins,
        maxs: this.maxs,
      });
    return vectors;
  }

  /** The non-zero counters under their names. */
  toCounterSet(): CounterSet {
    const counters = new CounterSet();
    const { names, extremaNames } = this.plan;
    for (let i = 0; i < this.sums.length; i++) if (this.sums[i] !== 0) counters.add[names[i]] = this.sums[i];
    for (let i = 0; i < this.mins.length; i++) {
      if (this.mins[i] !== Infinity) {
        counters.min[extremaNames[i]] = this.mins[i];
        counters.max[extremaNames[i]] = this.maxs[i];
      }
    }
    return counters;
  }
}
