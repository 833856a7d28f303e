import type { CounterNameIds } from './counterNames';
import {
  combined,
  sparseCountersOfSizes,
  mergeSparseRecord,
  type Combine,
  type SparseCounters,
  type SparseScratch,
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

/**
 * One kind of counter (sums, minimums or maximums) of a record, for the names of a layout, in
 * layout order: a vector adds slot by slot. `present` tells a counter from an absent one (a sum
 * can be 0, a minimum +Infinity).
 */
class LayoutCounters {
  constructor(
    readonly space: NamesInIdSpace,
    private readonly how: Combine,
    /** Where absent, the value that combining leaves unchanged (0, +Infinity, -Infinity). */
    readonly values: Float64Array,
    readonly present: Uint8Array,
  ) {}

  /** Combines the counters of `counters` that are in the layout into their slots; returns the others. */
  absorb(counters: SparseCounters): SparseCounters {
    const { ids, order } = this.space;
    const a = counters.ids;
    let outside = a.length;
    for (let i = 0, k = 0; i < a.length; i++) {
      while (k < ids.length && ids[k] < a[i]) k++;
      if (k < ids.length && ids[k] === a[i]) outside--;
    }
    if (outside === a.length) return counters;
    const [rest] = sparseCountersOfSizes([outside]);
    for (let i = 0, k = 0, n = 0; i < a.length; i++) {
      const v = counters.values[i];
      while (k < ids.length && ids[k] < a[i]) k++;
      if (k === ids.length || ids[k] !== a[i]) {
        rest.ids[n] = a[i];
        rest.values[n++] = v;
        continue;
      }
      const slot = order[k];
      this.values[slot] = this.present[slot] ? combined(this.how, this.values[slot], v) : v;
      this.present[slot] = 1;
    }
    return rest;
  }

  /** How many counters `into` writes. */
  countWith(others: SparseCounters): number {
    let count = others.ids.length;
    for (let slot = 0; slot < this.present.length; slot++) count += this.present[slot];
    return count;
  }

  /** Writes the present counters and `others` (ids none of the layout's) into `out`, by ascending id. */
  into(out: SparseCounters, others: SparseCounters): SparseCounters {
    const { ids, order } = this.space;
    const { values, present } = this;
    const b = others.ids;
    let j = 0;
    let n = 0;
    for (let k = 0; k < ids.length; k++) {
      const slot = order[k];
      if (!present[slot]) continue;
      while (j < b.length && b[j] < ids[k]) {
        out.ids[n] = b[j];
        out.values[n++] = others.values[j++];
      }
      out.ids[n] = ids[k];
      out.values[n++] = values[slot];
    }
    while (j < b.length) {
      out.ids[n] = b[j];
      out.values[n++] = others.values[j++];
    }
    return out;
  }
}

/** A layout's counters of a record (dense), and which layout they are for. */
interface DenseLayout {
  ids: LayoutIds;
  sums: LayoutCounters;
  min: LayoutCounters;
  max: LayoutCounters;
}

/** Empty dense counters of a layout, in one buffer (see sparseCountersOfSizes). */
function denseLayout(ids: LayoutIds): DenseLayout {
  const n = ids.sums.order.length;
  const e = ids.extrema.order.length;
  const slots = n + 2 * e;
  const buffer = new ArrayBuffer(slots * 9);
  const values = (at: number, length: number) => new Float64Array(buffer, at * 8, length);
  const present = (at: number, length: number) => new Uint8Array(buffer, slots * 8 + at, length);
  return {
    ids,
    sums: new LayoutCounters(ids.sums, 'sum', values(0, n), present(0, n)),
    min: new LayoutCounters(ids.extrema, 'min', values(n, e).fill(Infinity), present(n, e)),
    max: new LayoutCounters(ids.extrema, 'max', values(n + e, e).fill(-Infinity), present(n + e, e)),
  };
}

/**
 * An aggregate record being written by ingest, in id space: the counters of the layout its
 * vectors come in are held densely, in layout order, so adding a vector is one indexed pass however
 * many counters are new to the record; any other counters are kept sparse beside them.
 */
export class WritableRecord {
  private dense: DenseLayout | null = null;
  /** The counters not in `dense`. */
  private rest: SparseRecord;

  constructor(record: SparseRecord) {
    this.rest = record;
  }

  /**
   * Every counter, by ascending id. With `scratch`, in its buffer: read it before the scratch is
   * used again.
   */
  sparse(scratch?: SparseScratch): SparseRecord {
    const d = this.dense;
    if (!d) return this.rest;
    const r = this.rest;
    const sizes = [d.sums.countWith(r.sums), d.min.countWith(r.min), d.max.countWith(r.max)];
    const [sums, min, max] = scratch ? scratch.take(sizes) : sparseCountersOfSizes(sizes);
    return { sums: d.sums.into(sums, r.sums), min: d.min.into(min, r.min), max: d.max.into(max, r.max) };
  }

  addVector(vector: CounterVector, ids: LayoutIds): void {
    const d = this.dense?.ids === ids ? this.dense : this.densify(ids);
    const sums = d.sums.values;
    const sumsPresent = d.sums.present;
    for (let slot = 0; slot < vector.sums.length; slot++) {
      const v = vector.sums[slot];
      if (v === 0) continue;
      sums[slot] += v;
      sumsPresent[slot] = 1;
    }
    const mins = d.min.values;
    const minPresent = d.min.present;
    for (let slot = 0; slot < vector.mins.length; slot++) {
      const v = vector.mins[slot];
      if (v === Infinity) continue;
      mins[slot] = Math.min(mins[slot], v);
      minPresent[slot] = 1;
    }
    const maxs = d.max.values;
    const maxPresent = d.max.present;
    for (let slot = 0; slot < vector.maxs.length; slot++) {
      const v = vector.maxs[slot];
      if (v === -Infinity) continue;
      maxs[slot] = Math.max(maxs[slot], v);
      maxPresent[slot] = 1;
    }
  }

  addNamed(named: SparseRecord): void {
    if (!named.sums.ids.length && !named.min.ids.length && !named.max.ids.length) return;
    const d = this.dense;
    const outside = d
      ? { sums: d.sums.absorb(named.sums), min: d.min.absorb(named.min), max: d.max.absorb(named.max) }
      : named;
    this.rest = mergeSparseRecord(this.rest, outside);
  }

  /** Holds the counters of `ids`' layout densely (a record's vectors share one layout: once). */
  private densify(ids: LayoutIds): DenseLayout {
    const all = this.sparse();
    const dense = denseLayout(ids);
    this.rest = {
      sums: dense.sums.absorb(all.sums),
      min: dense.min.absorb(all.min),
      max: dense.max.absorb(all.max),
    };
    this.dense = dense;
    return dense;
  }
}
