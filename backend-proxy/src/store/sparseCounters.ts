import type { CounterNameIds } from './counterNames';
import type { CounterMaps, Counters } from './types';

/** Counters by ascending id (a store's counter-name ids): `values[i]` is the counter `ids[i]`. */
export interface SparseCounters {
  readonly ids: Int32Array;
  readonly values: Float64Array;
}

/** An aggregate record's sums, minimums and maximums in id space: merged without counter names. */
export interface SparseRecord {
  sums: SparseCounters;
  min: SparseCounters;
  max: SparseCounters;
}

export type Combine = 'sum' | 'min' | 'max';

export const combined = (how: Combine, a: number, b: number): number =>
  how === 'sum' ? a + b : how === 'min' ? Math.min(a, b) : Math.max(a, b);

/** No counters; shared, since nothing can be written into empty arrays. */
export const EMPTY_SPARSE: SparseCounters = { ids: new Int32Array(0), values: new Float64Array(0) };

export const emptySparseRecord = (): SparseRecord => ({
  sums: EMPTY_SPARSE,
  min: EMPTY_SPARSE,
  max: EMPTY_SPARSE,
});

/** Counters of the given sizes carved out of `buffer` (at least 12 bytes per counter). */
function carve(buffer: ArrayBuffer, sizes: readonly number[]): SparseCounters[] {
  let total = 0;
  for (const n of sizes) total += n;
  let at = 0;
  return sizes.map((n) => {
    if (n === 0) return EMPTY_SPARSE;
    const counters = {
      values: new Float64Array(buffer, at * 8, n),
      ids: new Int32Array(buffer, total * 8 + at * 4, n),
    };
    at += n;
    return counters;
  });
}

const bytesFor = (sizes: readonly number[]): number => sizes.reduce((sum, n) => sum + n, 0) * 12;

/**
 * Empty counters of the given sizes sharing one buffer (a typed array's own buffer is an
 * allocation outside the JS heap, which costs more than filling it).
 */
export function sparseCountersOfSizes(sizes: readonly number[]): SparseCounters[] {
  return carve(new ArrayBuffer(bytesFor(sizes)), sizes);
}

/** One buffer reused for counters that are only read until the next `take` (a record being encoded). */
export class SparseScratch {
  private buffer = new ArrayBuffer(0);

  /** Counters of the given sizes (not zeroed), in place of what the previous call returned. */
  take(sizes: readonly number[]): SparseCounters[] {
    const bytes = bytesFor(sizes);
    if (bytes > this.buffer.byteLength)
      this.buffer = new ArrayBuffer(Math.max(bytes, 2 * this.buffer.byteLength));
    return carve(this.buffer, sizes);
  }
}

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
  if (!entries.length) return EMPTY_SPARSE;
  entries.sort((x, y) => x[0] - y[0]);
  return {
    ids: Int32Array.from(entries, (e) => e[0]),
    values: Float64Array.from(entries, (e) => e[1]),
  };
}

/** Named counters in id space. */
export function sparseRecordOf(maps: CounterMaps, ids: CounterNameIds): SparseRecord {
  return { sums: sparseOf(maps.sums, ids), min: sparseOf(maps.min, ids), max: sparseOf(maps.max, ids) };
}
