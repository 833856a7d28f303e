/**
 * The compact binary form of an aggregate record's counters (sums, minimums, maximums), shared by
 * both stores. Counter names are replaced by small integer ids from a per-store dictionary
 * (CounterNames); each map is written as
 *
 *   varint(entries), then per entry in ascending id order: varint((id - previousId - 1) * 8 + tag), value
 *
 * (previousId starts at -1, then is the last id written), where the value takes the smallest of
 * these lossless forms:
 *   tag 0: a non-negative safe integer, varint(v)       (counts: 1-2 bytes)
 *   tag 1: a negative safe integer, varint(-v)
 *   tag 2: a short decimal v = m / 10^k (k 1..7, |m| < 2^40), varint(zigzag(m) * 8 + k)
 *   tag 3: any other double (fractions, -0, NaN, ±Infinity), 8 bytes little-endian float64
 *   tag 4: a run of L >= 3 non-negative safe integers at consecutive ids (histogram bins),
 *          varint(L - 3) then L varints; the run counts as L entries
 * Varints are unsigned LEB128 over safe integers (arithmetic, not 32-bit bitwise operations).
 * Decoding gives back exactly the doubles encoded, under the same names.
 */
import { sparseRecordOf, type SparseCounters, type SparseRecord } from './sparseCounters';
import type { CounterNameIds } from './counterNames';
import type { CounterMaps, Counters } from './types';

const MAX_DECIMAL_MANTISSA = 2 ** 40;
const POWERS = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7];
const float = new DataView(new ArrayBuffer(8));

class Writer {
  bytes = new Uint8Array(1024);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  varint(value: number): void {
    this.room(8);
    let v = value;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
  }

  float64(value: number): void {
    this.room(8);
    float.setFloat64(0, value, true);
    for (let i = 0; i < 8; i++) this.bytes[this.length++] = float.getUint8(i);
  }
}

/** The decimal scale k (1..7) at which v is m / 10^k exactly with a small integer m; 0 if none. */
function decimalScale(v: number): number {
  for (let k = 1; k < POWERS.length; k++) {
    const m = Math.round(v * POWERS[k]);
    if (Math.abs(m) < MAX_DECIMAL_MANTISSA && m / POWERS[k] === v) return k;
  }
  return 0;
}

const RUN_MIN = 3;
const isCount = (v: number): boolean => Number.isSafeInteger(v) && v >= 0 && !Object.is(v, -0);

function writeMap(w: Writer, counters: SparseCounters): void {
  const { ids, values } = counters;
  w.varint(ids.length);
  let previous = -1;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const v = values[i];
    const gap = (id - previous - 1) * 8;
    previous = id;
    if (isCount(v)) {
      let run = 1;
      while (i + run < ids.length && ids[i + run] === id + run && isCount(values[i + run])) run++;
      if (run >= RUN_MIN) {
        w.varint(gap + 4);
        w.varint(run - RUN_MIN);
        for (let j = 0; j < run; j++) w.varint(values[i + j]);
        i += run - 1;
        previous = id + run - 1;
      } else {
        w.varint(gap);
        w.varint(v);
      }
      continue;
    }
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
      w.varint(gap + 1);
      w.varint(-v);
      continue;
    }
    const k = Number.isFinite(v) && v !== 0 ? decimalScale(v) : 0;
    if (k > 0) {
      const m = Math.round(v * POWERS[k]);
      w.varint(gap + 2);
      w.varint((m >= 0 ? m * 2 : -m * 2 - 1) * 8 + k);
    } else {
      w.varint(gap + 3);
      w.float64(v);
    }
  }
}

/** Counters already in id space (ascending ids), as the embedded store's write path keeps them. */
export function encodeSparse(record: SparseRecord): Uint8Array {
  const w = new Writer();
  writeMap(w, record.sums);
  writeMap(w, record.min);
  writeMap(w, record.max);
  return w.bytes.slice(0, w.length);
}

export function encodeCounters(maps: CounterMaps, ids: CounterNameIds): Uint8Array {
  return encodeSparse(sparseRecordOf(maps, ids));
}

export function decodeSparse(bytes: Uint8Array): SparseRecord {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (at >= bytes.length) throw new RangeError('truncated aggregate counters');
      const b = bytes[at++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
  };
  const value = (tag: number): number => {
    if (tag === 0) return varint();
    if (tag === 1) return -varint();
    if (tag === 2) {
      const packed = varint();
      const k = packed % 8;
      const z = (packed - k) / 8;
      return (z % 2 === 0 ? z / 2 : -(z + 1) / 2) / POWERS[k];
    }
    if (tag !== 3) throw new RangeError(`unknown aggregate counter tag ${tag}`);
    if (at + 8 > bytes.length) throw new RangeError('truncated aggregate counters');
    for (let j = 0; j < 8; j++) float.setUint8(j, bytes[at + j]);
    at += 8;
    return float.getFloat64(0, true);
  };
  const readMap = (): SparseCounters => {
    const entries = varint();
    // A corrupt count must not allocate gigabytes: every entry takes at least one byte.
    if (entries > bytes.length) throw new RangeError('truncated aggregate counters');
    const ids = new Int32Array(entries);
    const values = new Float64Array(entries);
    let previous = -1;
    for (let i = 0; i < entries; i++) {
      const header = varint();
      const tag = header % 8;
      let id = previous + 1 + (header - tag) / 8;
      if (tag === 4) {
        const run = varint() + RUN_MIN;
        if (i + run > entries) throw new RangeError('aggregate counter run overflows its map');
        for (let j = 0; j < run; j++) {
          ids[i + j] = id + j;
          values[i + j] = varint();
        }
        i += run - 1;
        id += run - 1;
      } else {
        ids[i] = id;
        values[i] = value(tag);
      }
      previous = id;
    }
    return { ids, values };
  };
  const sums = readMap();
  const min = readMap();
  const max = readMap();
  return { sums, min, max };
}

function named(counters: SparseCounters, ids: CounterNameIds): Counters {
  const out: Counters = {};
  for (let i = 0; i < counters.ids.length; i++) out[ids.nameOf(counters.ids[i])] = counters.values[i];
  return out;
}

export function decodeCounters(bytes: Uint8Array, ids: CounterNameIds): CounterMaps {
  const sparse = decodeSparse(bytes);
  return { sums: named(sparse.sums, ids), min: named(sparse.min, ids), max: named(sparse.max, ids) };
}
