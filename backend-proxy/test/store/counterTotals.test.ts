import { CounterNames } from '../../src/store/counterNames';
import { CounterTotals } from '../../src/store/counterTotals';
import { sparseRecordOf } from '../../src/store/sparseCounters';

describe('CounterTotals', () => {
  it('adds sums, keeps the extremes, and names each counter once, past its first 256 ids', () => {
    const names = new CounterNames([], () => undefined);
    // 300 names first, so the last ones get ids beyond the initial arrays.
    for (let k = 0; k < 300; k++) names.idOf(`b:${k}`);
    const totals = new CounterTotals();
    totals.add(sparseRecordOf({ sums: { n: 2, 'b:299': 1 }, min: { x: 3 }, max: { x: 3 } }, names));
    totals.add(sparseRecordOf({ sums: { n: 5, 'b:0': 4 }, min: { x: -1, y: 7 }, max: { x: 2 } }, names));
    totals.add(sparseRecordOf({ sums: {}, min: {}, max: {} }, names));
    expect(totals.named(names)).toEqual({
      sums: { n: 7, 'b:0': 4, 'b:299': 1 },
      min: { x: -1, y: 7 },
      max: { x: 3 },
    });
    expect(new CounterTotals().named(names)).toEqual({ sums: {}, min: {}, max: {} });
  });
});
