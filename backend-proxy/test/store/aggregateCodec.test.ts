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

  it('takes 1 byte per small count in a run of bins, 4 per 4-decimal value and 9 per other double', () => {
    const counts = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f:0:h:${i}`, 50]));
    // 3 map headers + run header, run length, 100 values
    expect(encodeCounters({ sums: counts, min: {}, max: {} }, dictionary().names).length).toBe(3 + 2 + 100);
    expect(encodeCounters({ sums: {}, min: { 'f:0': -3.2517 }, max: {} }, dictionary().names).length).toBe(
      3 + 1 + 3,
    );
    expect(
      encodeCounters({ sums: { 'f:0:sum': 0.1 + 0.2 }, min: {}, max: {} }, dictionary().names).length,
    ).toBe(3 + 1 + 8);
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

  it('refuses truncated bytes and unknown ids', () => {
    const { names } = dictionary();
    const bytes = encodeCounters({ sums: { n: 1, 'f:0:sum': 0.3 + 0.1 }, min: {}, max: {} }, names);
    expect(() => decodeCounters(bytes.subarray(0, bytes.length - 2), names)).toThrow('truncated');
    expect(() => decodeCounters(bytes, dictionary().names)).toThrow('unknown counter name id');
  });
});
