/** The compact aggregate encoding gives back exactly the counters encoded, in few bytes. */
import { decodeCounters, encodeCounters } from '../../src/store/aggregateCodec';
import type { CounterMaps } from '../../src/store/types';
import { CounterNames } from '../../src/store/counterNames';

const dictionary = () => {
  const persisted: Array<[number, string]> = [];
  const names = new CounterNames([], (id, name) => persisted.push([id, name]));
  return { names, persisted };
};

describe('aggregate codec', () => {
  it('round-trips integers, decimals, fractions and special doubles under their names', () => {
    const { names } = dictionary();
    const maps: CounterMaps = {
      sums: {
        n: 600,
        err: 0,
        'lat:sum': 123_456_789,
        'f:0:sum': 0.1 + 0.2,
        'f:0:sq': 1234.5678,
        'f:1:h:3': 2 ** 52,
      },
      min: { 'f:0': -3.2517, 'f:1': -0, 'f:2': -17, 'f:3': Number.MIN_VALUE },
      max: { 'f:0': 4.0001, 'f:1': Infinity, 'f:2': -Infinity, 'f:3': NaN, 'f:4': 9e300 },
    };
    const decoded = decodeCounters(encodeCounters(maps, names), names);
    expect(decoded).toEqual(maps);
    expect(Object.is(decoded.min['f:1'], -0)).toBe(true);
    expect(Number.isNaN(decoded.max['f:3'])).toBe(true);
  });

  it('writes each new name to the dictionary once, with consecutive ids', () => {
    const { names, persisted } = dictionary();
    encodeCounters({ sums: { n: 1, err: 2 }, min: { n: 1 }, max: {} }, names);
    encodeCounters({ sums: { err: 3, 'f:0:n': 4 }, min: {}, max: {} }, names);
    expect(persisted).toEqual([
      [0, 'n'],
      [1, 'err'],
      [2, 'f:0:n'],
    ]);
  });

  it('packs runs of bins at the width of their largest count, 4 bytes per 4-decimal value, 9 per other double', () => {
    const size = (maps: Partial<CounterMaps>) =>
      encodeCounters({ sums: {}, min: {}, max: {}, ...maps }, dictionary().names).length;
    const bins = (values: number[]) => Object.fromEntries(values.map((v, i) => [`f:0:h:${i}`, v]));
    // 3 map headers + run header, run length, width, 100 values of 6 bits
    expect(size({ sums: bins(Array(100).fill(50)) })).toBe(3 + 3 + 75);
    // One large count among small ones: plain varints (1 + 1 + 1 + 3 bytes) are shorter than 4 x 17 bits.
    expect(size({ sums: bins([1, 1, 1, 100_000]) })).toBe(3 + 2 + 6);
    expect(size({ min: { 'f:0': -3.2517 } })).toBe(3 + 1 + 3);
    // 0.1 + 0.2 is 1 ULP above 0.3: header, decimal 3 / 10^1, step
    expect(size({ sums: { 'f:0:sum': 0.1 + 0.2 } })).toBe(3 + 3);
    // A sum of 600 four-decimal values, 4 ULPs above the decimal 188.8374: header, 4-byte decimal, step
    expect(size({ sums: { 'f:0:sum': 188.8374000000001 } })).toBe(3 + 1 + 4 + 1);
    expect(size({ sums: { 'f:0:sum': Math.PI } })).toBe(3 + 1 + 8);
  });

  it('gives back exactly every sum and sum of squares of short decimals, of either sign', () => {
    const { names } = dictionary();
    let seed = 7;
    const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const sums: Record<string, number> = {};
    for (let c = 0; c < 200; c++) {
      const scale = 10 ** (1 + (c % 5));
      let sum = 0;
      let squares = 0;
      for (let i = 0; i < 50 + c * 7; i++) {
        const x = Math.round((next() - 0.6) * 1e3 * scale) / scale;
        sum += x;
        squares += x * x;
      }
      sums[`f:${c}:sum`] = sum;
      sums[`f:${c}:sq`] = squares;
    }
    const maps = { sums, min: {}, max: {} };
    const bytes = encodeCounters(maps, names);
    // As float64s they would take 400 x 9 bytes.
    expect(bytes.length).toBeLessThan(400 * 8);
    const decoded = decodeCounters(bytes, names);
    for (const [name, v] of Object.entries(sums)) expect(Object.is(decoded.sums[name], v)).toBe(true);
  });

  it('round-trips packed runs of every width up to 32 bits and larger counts as varints', () => {
    const { names } = dictionary();
    const sums: Record<string, number> = {};
    for (let width = 1; width <= 34; width++)
      for (let b = 0; b < 5; b++) sums[`f:${width}:h:${b}`] = Math.max(1, 2 ** width - 1 - b * 3);
    const maps = { sums, min: {}, max: {} };
    expect(decodeCounters(encodeCounters(maps, names), names)).toEqual(maps);
  });

  it('round-trips a record of nothing but a narrow run (fewer bytes than counters)', () => {
    const { names } = dictionary();
    const sums = Object.fromEntries(Array.from({ length: 64 }, (_, b) => [`f:0:h:${b}`, b % 2]));
    const maps = { sums, min: {}, max: {} };
    const bytes = encodeCounters(maps, names);
    expect(bytes.length).toBeLessThan(64);
    expect(decodeCounters(bytes, names)).toEqual(maps);
    // A count beyond what the bytes can hold even at one bit per counter is refused.
    expect(() => decodeCounters(Uint8Array.of(0x80, 0x08, 0, 0), names)).toThrow('truncated');
  });

  it('round-trips runs of counts broken by gaps, negatives and fractions', () => {
    const { names } = dictionary();
    const order = Array.from({ length: 40 }, (_, i) => `f:0:h:${i}`);
    // Assign ids in order, then leave some out so runs are cut by gaps.
    encodeCounters({ sums: Object.fromEntries(order.map((n) => [n, 1])), min: {}, max: {} }, names);
    const sums: Record<string, number> = {};
    order.forEach((n, i) => {
      if (i % 11 === 5) return;
      sums[n] = i % 13 === 7 ? -i : i % 17 === 3 ? i + 0.5 : i * 1000;
    });
    const maps = { sums, min: { 'f:0:h:2': 0 }, max: { 'f:0:h:39': 2 ** 53 } };
    expect(decodeCounters(encodeCounters(maps, names), names)).toEqual(maps);
  });

  it('reads the bytes earlier versions wrote: sums as float64 (tag 3), runs as varints (tag 4)', () => {
    const { names } = dictionary();
    encodeCounters(
      { sums: { n: 1, 'f:0:sum': 1, 'f:0:h:0': 1, 'f:0:h:1': 1, 'f:0:h:2': 1 }, min: {}, max: {} },
      names,
    );
    const sum = new Uint8Array(new Float64Array([0.1 + 0.2]).buffer);
    // sums: 5 entries; n = 600 (id 0, tag 0); f:0:sum (id 1, tag 3) as float64; a run of 3 at id 2 (tag 4)
    const bytes = Uint8Array.from([5, 0, 0xd8, 0x04, 3, ...sum, 4, 0, 7, 200, 1, 9, 0, 0]);
    expect(decodeCounters(bytes, names)).toEqual({
      sums: { n: 600, 'f:0:sum': 0.1 + 0.2, 'f:0:h:0': 7, 'f:0:h:1': 200, 'f:0:h:2': 9 },
      min: {},
      max: {},
    });
  });

  it('refuses truncated bytes and unknown ids', () => {
    const { names } = dictionary();
    const bytes = encodeCounters({ sums: { n: 1, 'f:0:sum': 0.3 + 0.1 }, min: {}, max: {} }, names);
    expect(() => decodeCounters(bytes.subarray(0, bytes.length - 2), names)).toThrow('truncated');
    expect(() => decodeCounters(bytes, dictionary().names)).toThrow('unknown counter name id');
  });
});
