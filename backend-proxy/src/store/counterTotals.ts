import { SparseReader } from './aggregateCodec';
import type { CounterNameIds } from './counterNames';
import type { SparseCounters, SparseRecord } from './sparseCounters';
import type { CounterMaps, Counters } from './types';

const SUM = 1;
const MIN = 2;
const MAX = 4;
/** The maps of a record in their encoded order. */
const PARTS = [SUM, MIN, MAX] as const;

/**
 * Records merged by counter id into arrays indexed by id, named once at the end: a window over
 * hundreds of records builds one set of named counters instead of one per record.
 */
export class CounterTotals {
  private sums = new Float64Array(256);
  private mins = new Float64Array(256);
  private maxs = new Float64Array(256);
  /** Which of sum, minimum and maximum each id has (bits SUM, MIN, MAX). */
  private present = new Uint8Array(256);
  private highest = -1;
  /** Reused for every encoded record added. */
  private readonly reader = new SparseReader();

  add(record: SparseRecord): void {
    this.addPart(record.sums, SUM);
    this.addPart(record.min, MIN);
    this.addPart(record.max, MAX);
  }

  /** Adds an encoded record (aggregateCodec.ts) without decoding it into arrays first. */
  addEncoded(bytes: Uint8Array): void {
    const reader = this.reader.reset(bytes);
    for (const bit of PARTS) {
      const entries = reader.map();
      for (let i = 0; i < entries; i++) {
        reader.next();
        const id = reader.id;
        if (id >= this.present.length) this.grow(id + 1);
        if (id > this.highest) this.highest = id;
        this.merge(id, reader.value, bit);
      }
    }
  }

  named(ids: CounterNameIds): CounterMaps {
    const sums: Counters = {};
    const min: Counters = {};
    const max: Counters = {};
    for (let id = 0; id <= this.highest; id++) {
      const has = this.present[id];
      if (!has) continue;
      const name = ids.nameOf(id);
      if (has & SUM) sums[name] = this.sums[id];
      if (has & MIN) min[name] = this.mins[id];
      if (has & MAX) max[name] = this.maxs[id];
    }
    return { sums, min, max };
  }

  private addPart(part: SparseCounters, bit: number): void {
    const { ids, values } = part;
    if (!ids.length) return;
    const last = ids[ids.length - 1];
    if (last >= this.present.length) this.grow(last + 1);
    if (last > this.highest) this.highest = last;
    for (let i = 0; i < ids.length; i++) this.merge(ids[i], values[i], bit);
  }

  private merge(id: number, v: number, bit: number): void {
    const target = bit === SUM ? this.sums : bit === MIN ? this.mins : this.maxs;
    if (!(this.present[id] & bit)) {
      this.present[id] |= bit;
      target[id] = v;
    } else if (bit === SUM) target[id] += v;
    else if (bit === MIN ? v < target[id] : v > target[id]) target[id] = v;
  }

  private grow(size: number): void {
    const length = Math.max(size, this.present.length * 2);
    const wider = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(length);
      b.set(a);
      return b;
    };
    this.sums = wider(this.sums);
    this.mins = wider(this.mins);
    this.maxs = wider(this.maxs);
    const present = new Uint8Array(length);
    present.set(this.present);
    this.present = present;
  }
}
