import { decodeSparse, encodeCounters, encodeSparse } from '../../src/store/aggregateCodec';
import { CounterNames } from '../../src/store/counterNames';
import {
  layoutIds,
  mergeSparse,
  sparseOf,
  emptySparse,
  emptySparseRecord,
  WritableRecord,
  type SparseCounters,
} from '../../src/store/sparseCounters';
import type { CounterLayout } from '../../src/store/types';

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

describe('sparse form of named counters and vectors', () => {
  it('names map to ids in ascending order; a layout maps once, skipping absent counters', () => {
    const names = new CounterNames([], () => undefined);
    // z gets id 0, so the layout below is not in id order.
    expect(plain(sparseOf({ z: 1, a: 2 }, names))).toEqual({ ids: [0, 1], values: [1, 2] });
    const layout: CounterLayout = { family: 'columns', names: ['a', 'b', 'z'], extremaNames: ['f:0'] };
    const ids = layoutIds(layout, names);
    const vector = (sums: number[], low: number, high: number) => ({
      layout,
      sums: Float64Array.from(sums),
      mins: Float64Array.from([low]),
      maxs: Float64Array.from([high]),
    });
    const written = new WritableRecord(emptySparseRecord());
    written.addVector(vector([4, 0, 6], Infinity, 2.5), ids);
    const record = written.record;
    // a = 1, b = 2 (new), z = 0; b's 0 is absent, as is the minimum at +Infinity.
    expect(plain(record.sums)).toEqual({ ids: [0, 1], values: [6, 4] });
    expect(plain(record.min)).toEqual({ ids: [], values: [] });
    expect(plain(record.max)).toEqual({ ids: [3], values: [2.5] });
    // Known ids are added in place; b's first count and the first minimum are merged in.
    written.addVector(vector([1, 0, 1], Infinity, 1), ids);
    expect(written.record.sums).toBe(record.sums);
    expect(plain(written.record.sums)).toEqual({ ids: [0, 1], values: [7, 5] });
    written.addVector(vector([0, 2, 0], -3, 4), ids);
    expect(plain(written.record.sums)).toEqual({ ids: [0, 1, 2], values: [7, 5, 2] });
    expect(plain(written.record.min)).toEqual({ ids: [3], values: [-3] });
    expect(plain(written.record.max)).toEqual({ ids: [3], values: [4] });
    // After its ids changed, the record places the layout anew: in place again.
    written.addVector(vector([1, 1, 1], -5, 0), ids);
    expect(plain(written.record.sums)).toEqual({ ids: [0, 1, 2], values: [8, 6, 3] });
    expect(plain(written.record.min)).toEqual({ ids: [3], values: [-5] });
    expect(plain(written.record.max)).toEqual({ ids: [3], values: [4] });
    // Named counters merge by id beside the layout's.
    written.addNamed({ sums: sparseOf({ q: 2, a: 1 }, names), min: emptySparse(), max: emptySparse() });
    expect(plain(written.record.sums)).toEqual({ ids: [0, 1, 2, 4], values: [8, 7, 3, 2] });
  });

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
