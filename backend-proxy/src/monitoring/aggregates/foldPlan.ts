import { asNumber, isMissing } from '../reference/columnValues';
import { upperBoundBucket } from '../stats/histogramQuantile';
import { binCount, type Binning, type ColumnBinning } from './binning';
import { CounterSet } from './counterSet';
import type { Float64Slab } from './float64Slab';
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

/**
 * One event's counters as slot increments: measured once (bins looked up, values checked) and
 * added to every minute the event counts in (its endpoint's and its segments').
 */
export class EventCounts {
  readonly slots: Int32Array;
  readonly increments: Float64Array;
  length = 0;
  readonly extrema: Int32Array;
  readonly values: Float64Array;
  extremaLength = 0;

  constructor(plan: FoldPlan) {
    // At most: predictions, errors, 3 latency counters; per column present or missing, sum,
    // squares, a bin and out-of-range.
    const capacity = 5 + 5 * (plan.features.length + plan.outputs.length);
    this.slots = new Int32Array(capacity);
    this.increments = new Float64Array(capacity);
    this.extrema = new Int32Array(plan.extremaNames.length);
    this.values = new Float64Array(plan.extremaNames.length);
  }

  /** Measures `event` with `plan`, replacing what was measured before. */
  measure(plan: FoldPlan, event: FoldablePrediction): this {
    this.length = 0;
    this.extremaLength = 0;
    this.count(plan.predictions, 1);
    if (event.error) this.count(plan.errors, 1);
    if (event.latencyUs !== null) {
      this.count(plan.latencyCount, 1);
      this.count(plan.latencySum, event.latencyUs);
      this.count(plan.latencyBuckets + upperBoundBucket(LATENCY_BOUNDS, event.latencyUs), 1);
    }
    for (const slots of plan.features) this.column(slots, event.features[slots.column.spec.name]);
    for (const slots of plan.outputs) this.column(slots, event.outputs[slots.column.spec.name]);
    return this;
  }

  private count(slot: number, by: number): void {
    this.slots[this.length] = slot;
    this.increments[this.length++] = by;
  }

  private column(slots: ColumnSlots, value: unknown): void {
    if (isMissing(value)) {
      this.count(slots.missing, 1);
      return;
    }
    this.count(slots.present, 1);
    if (slots.numeric) {
      const n = asNumber(value);
      if (n === null) return;
      this.count(slots.sum, n);
      this.count(slots.squares, n * n);
      this.extrema[this.extremaLength] = slots.extremum;
      this.values[this.extremaLength++] = n;
    }
    if (slots.bins < 0) return;
    const bin = referenceBin(slots.column, value);
    if (bin === null) return;
    this.count(slots.bins + bin, 1);
    // Numeric: the open bins below and above the reference range; categorical: "other".
    if (bin === slots.binCount - 1 || (slots.numeric && bin === 0)) this.count(slots.outOfRange, 1);
  }
}

/** The counters of one endpoint-minute while a batch is folded. */
export class MinuteAccumulator {
  private readonly sums: Float64Array;
  private readonly mins: Float64Array;
  private readonly maxs: Float64Array;

  private scratch: EventCounts | null = null;

  /** With `slab`, the counters are views of its chunks (one batch's minutes share them). */
  constructor(
    private readonly plan: FoldPlan,
    slab?: Float64Slab,
  ) {
    const take = (length: number) => (slab ? slab.take(length) : new Float64Array(length));
    this.sums = take(plan.names.length);
    this.mins = take(plan.extremaNames.length).fill(Infinity);
    this.maxs = take(plan.extremaNames.length).fill(-Infinity);
  }

  fold(event: FoldablePrediction): void {
    this.scratch ??= new EventCounts(this.plan);
    this.add(this.scratch.measure(this.plan, event));
  }

  /** Adds an event measured with this accumulator's plan. */
  add(counts: EventCounts): void {
    const { sums, mins, maxs } = this;
    for (let i = 0; i < counts.length; i++) sums[counts.slots[i]] += counts.increments[i];
    for (let j = 0; j < counts.extremaLength; j++) {
      const slot = counts.extrema[j];
      const v = counts.values[j];
      if (v < mins[slot]) mins[slot] = v;
      if (v > maxs[slot]) maxs[slot] = v;
    }
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
