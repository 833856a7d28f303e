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
 *   tag 5: a double d ULPs away from a decimal m / 10^k (k 1..15, |m| < 2^44, |d| < 64; sums of
 *          short decimals), varint(zigzag(m) * 16 + k), varint(zigzag(d)); d counts away from zero
 *   tag 6: a run as tag 4 with every value below 2^w (w 1..32), varint(L - 3), one byte w, then
 *          the L values in L * w bits, least significant first (large counts of hours and days)
 * Varints are unsigned LEB128 (byteCursor.ts). Decoding gives back exactly the doubles encoded,
 * under the same names.
 */
import { ByteReader, ByteWriter } from './byteCursor';
import { sparseRecordOf, type SparseCounters, type SparseRecord } from './sparseCounters';
import type { CounterNameIds } from './counterNames';
import type { CounterMaps, Counters } from './types';
import { stepUlps, ulpDistance } from './ulpSteps';

const MAX_DECIMAL_MANTISSA = 2 ** 40;
const MAX_NEAR_MANTISSA = 2 ** 44;
const MAX_NEAR_STEPS = 64;
/** Above any distance of MAX_NEAR_STEPS ULPs, relative to the value (one ULP <= |v| * 2^-52). */
const NEAR_RELATIVE = 2 ** -45;
const POWERS = Array.from({ length: 16 }, (_, k) => 10 ** k);
const SHORT_SCALES = 7;
const RUN_MIN = 3;
const MAX_PACKED_WIDTH = 32;

const zigzag = (m: number): number => (m >= 0 ? m * 2 : -m * 2 - 1);
const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);
const isCount = (v: number): boolean => Number.isSafeInteger(v) && v >= 0 && !Object.is(v, -0);

/** Bits needed for the largest of values[from, from + count) (at least 1). */
function widthOf(values: Float64Array, from: number, count: number): number {
  let max = 0;
  for (let j = from; j < from + count; j++) if (values[j] > max) max = values[j];
  return max === 0 ? 1 : Math.floor(Math.log2(max)) + 1;
}

function varintLength(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  let n = 3;
  for (let x = v; x >= 0x200000; x = Math.floor(x / 0x80)) n++;
  return n;
}

function writeRun(w: ByteWriter, gap: number, values: Float64Array, from: number, run: number): void {
  let varintBytes = 0;
  for (let j = from; j < from + run; j++) varintBytes += varintLength(values[j]);
  const width = widthOf(values, from, run);
  if (width <= MAX_PACKED_WIDTH && 1 + Math.ceil((run * width) / 8) < varintBytes) {
    w.varint(gap + 6);
    w.varint(run - RUN_MIN);
    w.varint(width);
    w.packed(values, from, run, width);
  } else {
    w.varint(gap + 4);
    w.varint(run - RUN_MIN);
    for (let j = from; j < from + run; j++) w.varint(values[j]);
  }
}

/** A double that is not a safe integer, in the first of tags 2, 5 and 3 that holds it. */
function writeFraction(w: ByteWriter, gap: number, v: number): void {
  if (Number.isFinite(v) && v !== 0)
    for (let k = 1; k < POWERS.length; k++) {
      const m = Math.round(v * POWERS[k]);
      if (Math.abs(m) >= MAX_NEAR_MANTISSA) break;
      if (m === 0) continue;
      const decimal = m / POWERS[k];
      if (decimal === v && k <= SHORT_SCALES && Math.abs(m) < MAX_DECIMAL_MANTISSA) {
        w.varint(gap + 2);
        w.varint(zigzag(m) * 8 + k);
        return;
      }
      // 64 ULPs of v are less than |v| * 2^-46: a decimal farther off is not worth counting ULPs to.
      if (Math.abs(decimal - v) > Math.abs(v) * NEAR_RELATIVE) continue;
      const steps = ulpDistance(decimal, v);
      if (Math.abs(steps) < MAX_NEAR_STEPS) {
        w.varint(gap + 5);
        w.varint(zigzag(m) * 16 + k);
        w.varint(zigzag(steps));
        return;
      }
    }
  w.varint(gap + 3);
  w.float64(v);
}

function writeMap(w: ByteWriter, counters: SparseCounters): void {
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
        writeRun(w, gap, values, i, run);
        i += run - 1;
        previous = id + run - 1;
      } else {
        w.varint(gap);
        w.varint(v);
      }
    } else if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
      w.varint(gap + 1);
      w.varint(-v);
    } else writeFraction(w, gap, v);
  }
}

/** Encoding is synchronous: one writer's buffer serves every record (written() copies out). */
const writer = new ByteWriter();

/** Counters already in id space (ascending ids), as the embedded store's write path keeps them. */
export function encodeSparse(record: SparseRecord): Uint8Array {
  const w = writer.reset();
  writeMap(w, record.sums);
  writeMap(w, record.min);
  writeMap(w, record.max);
  return w.written();
}

export function encodeCounters(maps: CounterMaps, ids: CounterNameIds): Uint8Array {
  return encodeSparse(sparseRecordOf(maps, ids));
}

/**
 * Reads an encoded record's counters one at a time, map by map (sums, minimums, maximums):
 * `map()` gives the next map's size, then each `next()` sets `id` and `value` to its next
 * counter (ids ascending). Records are decoded into arrays and window totals add counters
 * straight from it, with nothing allocated per counter.
 */
export class SparseReader {
  id = -1;
  value = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  private r = new ByteReader(this.bytes, 'aggregate counters');
  /** Values of the packed run being read (grown as runs need; kept across reset). */
  private runValues = new Float64Array(0);
  /** Counters of the current map not read yet. */
  private left = 0;
  /** Counters of the current run (tag 4 or 6) not read yet, and where a packed one is. */
  private runLeft = 0;
  private packedRun = false;
  private runAt = 0;

  constructor(bytes?: Uint8Array) {
    if (bytes) this.reset(bytes);
  }

  /** Starts reading another record; a reused reader keeps its buffer for packed runs. */
  reset(bytes: Uint8Array): this {
    this.bytes = bytes;
    this.r = new ByteReader(bytes, 'aggregate counters');
    this.left = 0;
    this.runLeft = 0;
    return this;
  }

  map(): number {
    const entries = this.r.varint();
    // A corrupt count must not allocate gigabytes: every entry takes at least one bit (tag 6).
    if (entries > 8 * this.bytes.length) throw new RangeError('truncated aggregate counters');
    this.id = -1;
    this.left = entries;
    this.runLeft = 0;
    return entries;
  }

  next(): void {
    const r = this.r;
    this.left--;
    if (this.runLeft > 0) {
      this.runLeft--;
      this.id++;
      this.value = this.packedRun ? this.runValues[this.runAt++] : r.varint();
      return;
    }
    const header = r.varint();
    const tag = header % 8;
    this.id += 1 + (header - tag) / 8;
    if (tag === 4 || tag === 6) {
      const run = r.varint() + RUN_MIN;
      if (run > this.left + 1) throw new RangeError('aggregate counter run overflows its map');
      this.runLeft = run - 1;
      this.packedRun = tag === 6;
      if (tag === 6) {
        const width = r.varint();
        if (width < 1 || width > MAX_PACKED_WIDTH)
          throw new RangeError(`aggregate counter run width ${width}`);
        if (run > this.runValues.length)
          this.runValues = new Float64Array(Math.max(run, 2 * this.runValues.length));
        r.packed(this.runValues, 0, run, width);
        this.runAt = 1;
        this.value = this.runValues[0];
      } else this.value = r.varint();
      return;
    }
    this.value = this.single(tag);
  }

  private single(tag: number): number {
    const r = this.r;
    if (tag === 0) return r.varint();
    if (tag === 1) return -r.varint();
    if (tag === 2) {
      const packed = r.varint();
      const k = packed % 8;
      return unzigzag((packed - k) / 8) / POWERS[k];
    }
    if (tag === 3) return r.float64();
    if (tag === 5) {
      const packed = r.varint();
      const k = packed % 16;
      return stepUlps(unzigzag((packed - k) / 16) / POWERS[k], unzigzag(r.varint()));
    }
    throw new RangeError(`unknown aggregate counter tag ${tag}`);
  }
}

export function decodeSparse(bytes: Uint8Array): SparseRecord {
  const reader = new SparseReader(bytes);
  const readMap = (): SparseCounters => {
    const entries = reader.map();
    const ids = new Int32Array(entries);
    const values = new Float64Array(entries);
    for (let i = 0; i < entries; i++) {
      reader.next();
      ids[i] = reader.id;
      values[i] = reader.value;
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

/** A record in id space under its counter names. */
export function namedRecord(sparse: SparseRecord, ids: CounterNameIds): CounterMaps {
  return { sums: named(sparse.sums, ids), min: named(sparse.min, ids), max: named(sparse.max, ids) };
}

export function decodeCounters(bytes: Uint8Array, ids: CounterNameIds): CounterMaps {
  return namedRecord(decodeSparse(bytes), ids);
}
