/** A sealed block gives back exactly its records, in fewer bytes than the records take alone. */
import { blockStartOf, decodeBlock, encodeBlock, type BlockRecord } from '../../src/store/aggregateBlock';
import { encodeCounters } from '../../src/store/aggregateCodec';
import { CounterNames } from '../../src/store/counterNames';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('aggregate blocks', () => {
  it('aligns blocks to UTC hours for minutes and UTC days for hours', () => {
    const t = Date.UTC(2026, 11, 3, 17, 42, 0);
    expect(blockStartOf('minute', t)).toBe(Date.UTC(2026, 11, 3, 17));
    expect(blockStartOf('hour', Date.UTC(2026, 11, 3, 17))).toBe(Date.UTC(2026, 11, 3));
  });

  it('round-trips records at their starts, and compresses records that look alike', () => {
    const names = new CounterNames([], () => undefined);
    const block = Date.UTC(2026, 0, 1, 5);
    // Every minute of the hour, 20 columns of 10 bins each, like a fold of one endpoint.
    const records: BlockRecord[] = Array.from({ length: 60 }, (_, m) => ({
      start: block + m * 60_000,
      counters: encodeCounters(
        {
          sums: Object.fromEntries(
            Array.from({ length: 200 }, (_, b) => [`f:${b % 20}:h:${b}`, 30 + ((m * 7 + b * 13) % 40)]),
          ),
          min: { 'f:0': -m / 10 },
          max: { 'f:0': m + 0.25 },
        },
        names,
      ),
    }));
    const bytes = encodeBlock('minute', block, records);
    expect(decodeBlock('minute', block, bytes)).toEqual(records);
    const alone = records.reduce((n, r) => n + r.counters.length, 0);
    expect(bytes.length).toBeLessThan(alone);
    expect(decodeBlock('hour', Date.UTC(2026, 0, 1), encodeBlock('hour', Date.UTC(2026, 0, 1), []))).toEqual(
      [],
    );
  });

  it('refuses records out of order or outside the block, and unknown formats', () => {
    const r = (start: number): BlockRecord => ({ start, counters: new Uint8Array([0, 0, 0]) });
    expect(() => encodeBlock('minute', 0, [r(60_000), r(0)])).toThrow('does not belong');
    expect(() => encodeBlock('minute', 0, [r(HOUR)])).toThrow('does not belong');
    expect(() => encodeBlock('hour', 0, [r(30_000)])).toThrow('does not belong');
    expect(encodeBlock('hour', 0, [r(DAY - HOUR)])[0]).toBe(1);
    expect(() => decodeBlock('minute', 0, new Uint8Array([9, 1, 2]))).toThrow(
      'unknown aggregate block format 9',
    );
  });
});
