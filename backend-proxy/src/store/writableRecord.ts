import type { CounterNameIds } from './counterNames';
import {
  combined,
  mergeSparseRecord,
  type Combine,
  type SparseCounters,
  type SparseRecord,
} from './sparseCounters';
import type { CounterLayout, CounterVector } from './types';

/** Names in id space, once per layout: each name's id and the positions in ascending id order. */
interface NamesInIdSpace {
  order: Int32Array;
  ids: Int32Array;
}

export interface LayoutIds {
  sums: NamesInIdSpace;
  extrema: NamesInIdSpace;
}

function inIdSpace(names: readonly string[], ids: CounterNameIds): NamesInIdSpace {
  const byPosition = names.map((name) => ids.idOf(name));
  const order = Int32Array.from(names.keys()).sort((x, y) => byPosition[x] - byPosition[y]);
  return { order, ids: Int32Array.from(order, (position) => byPosition[position]) };
}

export function layoutIds(layout: CounterLayout, ids: CounterNameIds): LayoutIds {
  return { sums: inIdSpace(layout.names, ids), extrema: inIdSpace(layout.extremaNames, ids) };
}

/** Where each layout slot's counter sits in `counters` (-1: not there). */
function positionsIn(counters: SparseCounters, space: NamesInIdSpace): Int32Array {
  const positions = new Int32Array(space.order.length).fill(-1);
  const a = counters.ids;
  let i = 0;
  for (let k = 0; k < space.order.length; k++) {
    const id = space.ids[k];
    while (i < a.length && a[i] < id) i++;
    if (i < a.length && a[i] === id) positions[space.order[k]] = i;
  }
  return positions;
}

/** Combines the present counters of `values` into `into` in place; false (nothing changed) if one has no position. */
function addAt(
  into: SparseCounters,
  values: Float64Array,
  positions: Int32Array,
  absent: number,
  how: Combine,
): boolean {
  for (let slot = 0; slot < values.length; slot++)
    if (values[slot] !== absent && positions[slot] < 0) return false;
  const target = into.values;
  for (let slot = 0; slot < values.length; slot++) {
    const v = values[slot];
    if (v === absent) continue;
    const at = positions[slot];
    target[at] = combined(how, target[at], v);
  }
  return true;
}

/**
 * `into` ∪ the present counters of `values` (in layout order), as new arrays, in one pass that
 * also writes where each layout slot now sits into `positions`.
 */
function mergeLayout(
  into: SparseCounters,
  values: Float64Array,
  space: NamesInIdSpace,
  absent: number,
  how: Combine,
  positions: Int32Array,
): SparseCounters {
  const a = into.ids;
  const ids = new Int32Array(a.length + space.order.length);
  const merged = new Float64Array(ids.length);
  let i = 0;
  let n = 0;
  for (let k = 0; k < space.order.length; k++) {
    const id = space.ids[k];
    while (i < a.length && a[i] < id) {
      ids[n] = a[i];
      merged[n++] = into.values[i++];
    }
    const slot = space.order[k];
    const v = values[slot];
    const had = i < a.length && a[i] === id;
    if (!had && v === absent) {
      positions[slot] = -1;
      continue;
    }
    positions[slot] = n;
    ids[n] = id;
    merged[n++] = had ? (v === absent ? into.values[i] : combined(how, into.values[i], v)) : v;
    if (had) i++;
  }
  while (i < a.length) {
    ids[n] = a[i];
    merged[n++] = into.values[i++];
  }
  return { ids: ids.slice(0, n), values: merged.slice(0, n) };
}

interface Placement {
  ids: LayoutIds;
  sums: Int32Array;
  min: Int32Array;
  max: Int32Array;
}

/**
 * An aggregate record being written by ingest, in id space. Where a layout's counters sit in it is
 * worked out once and kept up to date as counters are added, so adding a vector is one indexed
 * pass, or one merging pass when it brings counters the record does not have yet.
 */
export class WritableRecord {
  private placement: Placement | null = null;

  constructor(public record: SparseRecord) {}

  addVector(vector: CounterVector, ids: LayoutIds): void {
    const p = this.placement?.ids === ids ? this.placement : this.place(ids);
    const r = this.record;
    const sums = addAt(r.sums, vector.sums, p.sums, 0, 'sum')
      ? r.sums
      : mergeLayout(r.sums, vector.sums, ids.sums, 0, 'sum', p.sums);
    const min = addAt(r.min, vector.mins, p.min, Infinity, 'min')
      ? r.min
      : mergeLayout(r.min, vector.mins, ids.extrema, Infinity, 'min', p.min);
    const max = addAt(r.max, vector.maxs, p.max, -Infinity, 'max')
      ? r.max
      : mergeLayout(r.max, vector.maxs, ids.extrema, -Infinity, 'max', p.max);
    if (sums !== r.sums || min !== r.min || max !== r.max) this.record = { sums, min, max };
  }

  addNamed(named: SparseRecord): void {
    if (!named.sums.ids.length && !named.min.ids.length && !named.max.ids.length) return;
    const merged = mergeSparseRecord(this.record, named);
    if (merged.sums !== this.record.sums || merged.min !== this.record.min || merged.max !== this.record.max)
      this.placement = null;
    this.record = merged;
  }

  private place(ids: LayoutIds): Placement {
    const r = this.record;
    this.placement = {
      ids,
      sums: positionsIn(r.sums, ids.sums),
      min: positionsIn(r.min, ids.extrema),
      max: positionsIn(r.max, ids.extrema),
    };
    return this.placement;
  }
}
