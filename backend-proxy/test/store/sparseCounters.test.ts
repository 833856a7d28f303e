import { decodeSparse, encodeCounters, encodeSparse } from '../../src/store/aggregateCodec';
import { CounterNames } from '../../src/store/counterNames';
import {
  EMPTY_SPARSE,
  mergeSparse,
  sparseCountersOfSizes,
  SparseScratch,
  sparseOf,
  type SparseCounters,
} from '../../src/store/sparseCounters';

const sparse = (ids: number[], values: number[]): SparseCounters => ({
  ids: Int32Array.from(ids),
  values: Float64Array.from(values),
});
const plain = (s: SparseCounters) => ({ ids: [...s.ids], values: [...s.values] });

describe('mergeSparse', () => {
  it('adds in place when the target already has every id', () => {
    const into = sparse([1, 4, 9], [1, 2, 3]);
    const merged = mergeSparse(into, sparse([4, 9], [10, 20]), 'sum');
    expect(merged).toBe(into);
    expect(plain(merged)).toEqual({ ids: [1, 4, 9], values: [1, 12, 23] });
  });

  it('merges new ids in ascending order without touching the target', () => {
    const into = sparse([1, 4, 9], [5, 2, 3]);
    const merged = mergeSparse(into, sparse([0, 4, 12], [7, 1, 8]), 'min');
    expect(merged).not.toBe(into);
    expect(plain(merged)).toEqual({ ids: [0, 1, 4, 9, 12], values: [7, 5, 1, 3, 8] });
    expect(plain(into)).toEqual({ ids: [1, 4, 9], values: [5, 2, 3] });
    expect(plain(mergeSparse(sparse([2], [3]), sparse([2], [8]), 'max'))).toEqual({ ids: [2], values: [8] });
    expect(plain(mergeSparse(sparse([], []), sparse([], []), 'sum'))).toEqual({ ids: [], values: [] });
  });
});

describe('sparse form of named counters', () => {
  it('encodes the same bytes as the named codec and decodes them back', () => {
    const names = new CounterNames([], () => undefined);
    const maps = { sums: { n: 3, 'h:0': 1, 'h:1': 2, 'h:2': 5, s: 0.25 }, min: { x: -2 }, max: { x: 1e300 } };
    const bytes = encodeCounters(maps, names);
    const record = {
      sums: sparseOf(maps.sums, names),
      min: sparseOf(maps.min, names),
      max: sparseOf(maps.max, names),
    };
    expect([...encodeSparse(record)]).toEqual([...bytes]);
    const decoded = decodeSparse(bytes);
    expect(plain(decoded.sums)).toEqual(plain(record.sums));
    expect(plain(decoded.min)).toEqual(plain(record.min));
    expect(plain(decoded.max)).toEqual(plain(record.max));
  });

  it('refuses a map whose entry count exceeds its bytes', () => {
    expect(() => decodeSparse(Uint8Array.from([100, 0, 1]))).toThrow(RangeError);
  });
});

describe('sparseCountersOfSizes', () => {
  it('gives empty counters of each size in one buffer, the shared empty set for size 0', () => {
    const [a, none, b] = sparseCountersOfSizes([2, 0, 3]);
    expect(none).toBe(EMPTY_SPARSE);
    expect([a.ids.length, a.values.length, b.ids.length, b.values.length]).toEqual([2, 2, 3, 3]);
    expect(new Set([a.ids.buffer, a.values.buffer, b.ids.buffer, b.values.buffer]).size).toBe(1);
    a.ids.fill(-1);
    a.values.fill(-1);
    b.ids.set([1, 2, 3]);
    b.values.set([0.5, 1.5, 2.5]);
    expect([...a.ids, ...a.values]).toEqual([-1, -1, -1, -1]);
    expect([...b.ids, ...b.values]).toEqual([1, 2, 3, 0.5, 1.5, 2.5]);
  });
});

describe('SparseScratch', () => {
  it('reuses its buffer while the sizes fit and grows when they do not', () => {
    const scratch = new SparseScratch();
    const [a] = scratch.take([4]);
    a.ids.set([1, 2, 3, 4]);
    const [b, c] = scratch.take([1, 2]);
    expect(b.ids.buffer).toBe(a.ids.buffer);
    expect(c.values.buffer).toBe(a.ids.buffer);
    expect([b.ids.length, c.ids.length]).toEqual([1, 2]);
    const [d] = scratch.take([5]);
    expect(d.ids.buffer).not.toBe(a.ids.buffer);
    expect(d.ids.buffer.byteLength).toBe(2 * 4 * 12);
  });
});
