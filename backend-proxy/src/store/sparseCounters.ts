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
  entries.sort((x, y) => x[0] - y[0]);
  return {
    ids: Int32Array.from(entries, (e) => e[0]),
    values: Float64Array.from(entries, (e) => e[1]),
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

/** The present counters of `values` (in layout order), in id space. */
function pick(values: Float64Array, space: NamesInIdSpace, absent: number): SparseCounters {
  let n = 0;
  for (let k = 0; k < space.order.length; k++) if (values[space.order[k]] !== absent) n++;
  const out = { ids: new Int32Array(n), values: new Float64Array(n) };
  n = 0;
  for (let k = 0; k < space.order.length; k++) {
    const v = values[space.order[k]];
    if (v === absent) continue;
    out.ids[n] = space.ids[k];
    out.values[n++] = v;
  }
  return out;
}

/** A vector's counters in id space, given its layout's ids. */
export function sparseOfVector(vector: CounterVector, ids: LayoutIds): SparseRecord {
  return {
    sums: pick(vector.sums, ids.sums, 0),
    min: pick(vector.mins, ids.extrema, Infinity),
    max: pick(vector.maxs, ids.extrema, -Infinity),
  };
}
