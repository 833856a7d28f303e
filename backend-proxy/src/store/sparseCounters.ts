import type { CounterNameIds } from './counterNames';
import type { Counters, CounterLayout, CounterVector } from './types';

/** Counters by ascending id (a store's counter-name ids): `values[i]` is the counter `ids[i]`. */
export interface SparseCounters {
  ids: Int32Array;
  values: Float64Array;
}

/** An aggregate record's sums, minimums and maximums in id space: merged without counter names. */
export interface SparseRecord {
  sums: SparseCounters;
  min: SparseCounters;
  max: SparseCounters;
}

export type Combine = 'sum' | 'min' | 'max';

const combined = (how: Combine, a: number, b: number): number =>
  how === 'sum' ? a + b : how === 'min' ? Math.min(a, b) : Math.max(a, b);

export const emptySparse = (): SparseCounters => ({ ids: new Int32Array(0), values: new Float64Array(0) });

export const emptySparseRecord = (): SparseRecord => ({
  sums: emptySparse(),
  min: emptySparse(),
  max: emptySparse(),
});

/** Whether every id of `b` is also in `a` (both ascending). */
function containsAll(a: Int32Array, b: Int32Array): boolean {
  let i = 0;
  for (let j = 0; j < b.length; j++) {
    while (i < a.length && a[i] < b[j]) i++;
    if (i === a.length || a[i] !== b[j]) return false;
    i++;
  }
  return true;
}

/**
 * `into` ∪ `from`, combining the values of ids in both. Updates `into` in place (and returns it)
 * when it already has every id of `from`, the usual case for a record ingest has written before.
 */
export function mergeSparse(into: SparseCounters, from: SparseCounters, how: Combine): SparseCounters {
  const a = into.ids;
  const b = from.ids;
  if (containsAll(a, b)) {
    let i = 0;
    for (let j = 0; j < b.length; j++) {
      while (a[i] < b[j]) i++;
      into.values[i] = combined(how, into.values[i], from.values[j]);
      i++;
    }
    return into;
  }
  const ids = new Int32Array(a.length + b.length);
  const values = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    if (j === b.length || (i < a.length && a[i] < b[j])) {
      ids[n] = a[i];
      values[n++] = into.values[i++];
    } else if (i === a.length || b[j] < a[i]) {
      ids[n] = b[j];
      values[n++] = from.values[j++];
    } else {
      ids[n] = a[i];
      values[n++] = combined(how, into.values[i++], from.values[j++]);
    }
  }
  return { ids: ids.slice(0, n), values: values.slice(0, n) };
}

export function mergeSparseRecord(into: SparseRecord, from: SparseRecord): SparseRecord {
  return {
    sums: mergeSparse(into.sums, from.sums, 'sum'),
    min: mergeSparse(into.min, from.min, 'min'),
    max: mergeSparse(into.max, from.max, 'max'),
  };
}

/** Named counters in id space (ids assigned by `ids` to names it has not seen). */
export function sparseOf(counters: Counters, ids: CounterNameIds): SparseCounters {
  const entries: Array<[number, number]> = [];
  for (const name in counters) entries.push([ids.idOf(name), counters[name]]);
  if (!entries.length) return emptySparse();
  entries.sort((x, y) => x[0] - y[0]);
  return {
    ids: Int32Array.from(entries, (e) => e[0]),
    values: Float64Array.from(entries, (e) => e[1]),
  };
}

/** A delta's named counters in id space. */
export function sparseRecordOf(
  counters: { add: Counters; min: Counters; max: Counters },
  ids: CounterNameIds,
): SparseRecord {
  return {
    sums: sparseOf(counters.add, ids),
    min: sparseOf(counters.min, ids),
    max: sparseOf(counters.max, ids),
  };
}

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
