import { CounterNames } from '../../src/store/counterNames';
import {
  EMPTY_SPARSE,
  emptySparseRecord,
  sparseOf,
  type SparseCounters,
} from '../../src/store/sparseCounters';
import type { CounterLayout } from '../../src/store/types';
import { layoutIds, WritableRecord } from '../../src/store/writableRecord';

const plain = (s: SparseCounters) => ({ ids: [...s.ids], values: [...s.values] });
const namedOf = (s: SparseCounters, names: CounterNames) =>
  Object.fromEntries([...s.ids].map((id, i) => [names.nameOf(id), s.values[i]]));

describe('WritableRecord', () => {
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
    const record = written.sparse();
    // a = 1, b = 2 (new), z = 0; b's 0 is absent, as is the minimum at +Infinity.
    expect(plain(record.sums)).toEqual({ ids: [0, 1], values: [6, 4] });
    expect(plain(record.min)).toEqual({ ids: [], values: [] });
    expect(plain(record.max)).toEqual({ ids: [3], values: [2.5] });
    written.addVector(vector([1, 0, 1], Infinity, 1), ids);
    expect(plain(written.sparse().sums)).toEqual({ ids: [0, 1], values: [7, 5] });
    written.addVector(vector([0, 2, 0], -3, 4), ids);
    expect(plain(written.sparse().sums)).toEqual({ ids: [0, 1, 2], values: [7, 5, 2] });
    expect(plain(written.sparse().min)).toEqual({ ids: [3], values: [-3] });
    expect(plain(written.sparse().max)).toEqual({ ids: [3], values: [4] });
    written.addVector(vector([1, 1, 1], -5, 0), ids);
    expect(plain(written.sparse().sums)).toEqual({ ids: [0, 1, 2], values: [8, 6, 3] });
    expect(plain(written.sparse().min)).toEqual({ ids: [3], values: [-5] });
    expect(plain(written.sparse().max)).toEqual({ ids: [3], values: [4] });
    // Named counters merge by id beside the layout's.
    written.addNamed({ sums: sparseOf({ q: 2, a: 1 }, names), min: EMPTY_SPARSE, max: EMPTY_SPARSE });
    expect(plain(written.sparse().sums)).toEqual({ ids: [0, 1, 2, 4], values: [8, 7, 3, 2] });
  });

  it('keeps every stored counter, a 0 sum and an infinite minimum included, across layouts and names', () => {
    const names = new CounterNames([], () => undefined);
    const stored = {
      sums: sparseOf({ a: 0, q: 5, b: 1 }, names),
      min: sparseOf({ 'f:0': Infinity, 'f:9': 2 }, names),
      max: sparseOf({ 'f:0': 1 }, names),
    };
    const named = (record: { sums: SparseCounters; min: SparseCounters; max: SparseCounters }) => ({
      sums: namedOf(record.sums, names),
      min: namedOf(record.min, names),
      max: namedOf(record.max, names),
    });
    const vector = (layout: CounterLayout, sums: number[], low: number, high: number) => ({
      layout,
      sums: Float64Array.from(sums),
      mins: Float64Array.from([low]),
      maxs: Float64Array.from([high]),
    });
    const first: CounterLayout = { family: 'columns', names: ['b', 'a', 'c'], extremaNames: ['f:0'] };
    const written = new WritableRecord(stored);
    written.addVector(vector(first, [0, 0, 2], 3, -Infinity), layoutIds(first, names));
    expect(named(written.sparse())).toEqual({
      sums: { a: 0, q: 5, b: 1, c: 2 },
      min: { 'f:0': 3, 'f:9': 2 },
      max: { 'f:0': 1 },
    });
    // Named counters in the layout combine with its slots, the others with the sparse rest.
    written.addNamed({
      sums: sparseOf({ a: -1, r: 1 }, names),
      min: sparseOf({ 'f:0': -2, 'f:9': 3 }, names),
      max: sparseOf({ 'f:0': 0, 'f:9': 8 }, names),
    });
    // A second layout takes over the counters of its names; the first layout's stay.
    const second: CounterLayout = { family: 'columns', names: ['q', 'c'], extremaNames: ['f:9'] };
    written.addVector(vector(second, [1, 1], 1, 1), layoutIds(second, names));
    expect(named(written.sparse())).toEqual({
      sums: { a: -1, q: 6, b: 1, c: 3, r: 1 },
      min: { 'f:0': -2, 'f:9': 1 },
      max: { 'f:0': 1, 'f:9': 8 },
    });
    // a, q, b, c and r by ascending id (f:0 and f:9 took 3 and 4).
    expect([...written.sparse().sums.ids]).toEqual([0, 1, 2, 5, 6]);
  });
});
