/**
 * A sealed block of aggregate records: the closed records of one series (endpoint, family,
 * resolution, reference version) within one block span (an hour of minutes, a day of hours),
 * stored as one value instead of one row each. Consecutive records of a series share their
 * structure (the same counters, headers and magnitudes), so compressing them together saves
 * about a fifth over the records' own compact encoding, and the per-row cost is paid once.
 *
 *   byte 0: format (1: the body compressed with raw DEFLATE)
 *   body:   varint(count), then per record in ascending start:
 *           varint((start - blockStart) / resolutionMs), varint(byteLength), the record's bytes
 *           (aggregateCodec.ts)
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ByteReader, ByteWriter } from './byteCursor';
import { RESOLUTION_MS } from './types';

const FORMAT_DEFLATE = 1;

/** One record of a block: its start (epoch ms) and its counters in the compact encoding. */
export interface BlockRecord {
  start: number;
  counters: Uint8Array;
}

/** The block span of each resolution that is sealed into blocks (days are kept as records). */
export const BLOCK_SPAN_MS = { minute: RESOLUTION_MS.hour, hour: RESOLUTION_MS.day } as const;
export type BlockResolution = keyof typeof BLOCK_SPAN_MS;

export const blockStartOf = (resolution: BlockResolution, start: number): number =>
  start - (start % BLOCK_SPAN_MS[resolution]);

/** `records` (ascending start, all within the block starting at `blockStart`) as a block. */
export function encodeBlock(
  resolution: BlockResolution,
  blockStart: number,
  records: BlockRecord[],
): Uint8Array {
  const w = new ByteWriter();
  w.varint(records.length);
  let previous = -1;
  for (const r of records) {
    const offset = (r.start - blockStart) / RESOLUTION_MS[resolution];
    if (!Number.isInteger(offset) || offset <= previous || r.start >= blockStart + BLOCK_SPAN_MS[resolution])
      throw new RangeError(`record ${r.start} does not belong at its place in block ${blockStart}`);
    previous = offset;
    w.varint(offset);
    w.varint(r.counters.length);
    w.raw(r.counters);
  }
  const body = deflateRawSync(w.written());
  const out = new Uint8Array(body.length + 1);
  out[0] = FORMAT_DEFLATE;
  out.set(body, 1);
  return out;
}

export function decodeBlock(
  resolution: BlockResolution,
  blockStart: number,
  block: Uint8Array,
): BlockRecord[] {
  if (block[0] !== FORMAT_DEFLATE) throw new RangeError(`unknown aggregate block format ${block[0]}`);
  const r = new ByteReader(inflateRawSync(block.subarray(1)), 'aggregate block');
  const count = r.varint();
  const records: BlockRecord[] = [];
  for (let i = 0; i < count; i++) {
    const start = blockStart + r.varint() * RESOLUTION_MS[resolution];
    records.push({ start, counters: r.slice(r.varint()) });
  }
  return records;
}
