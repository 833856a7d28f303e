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
    written.addNamed({ sums: sparseOf({ q: 2, a: 1 }, names), min: EMPTY_SPARSE, max: EMPTY_SPARSE });
    expect(plain(written.record.sums)).toEqual({ ids: [0, 1, 2, 4], values: [8, 7, 3, 2] });
  });
});
