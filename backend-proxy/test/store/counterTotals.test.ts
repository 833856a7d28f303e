import { encodeCounters } from '../../src/store/aggregateCodec';
import { CounterNames } from '../../src/store/counterNames';
import { CounterTotals } from '../../src/store/counterTotals';
import { sparseRecordOf } from '../../src/store/sparseCounters';
import type { CounterMaps } from '../../src/store/types';

describe('CounterTotals', () => {
  const names = new CounterNames([], () => undefined);
  // 300 names first, so the last ones get ids beyond the initial arrays.
  for (let k = 0; k < 300; k++) names.idOf(`b:${k}`);
  const records: CounterMaps[] = [
    { sums: { n: 2, 'b:299': 1 }, min: { x: 3 }, max: { x: 3 } },
    { sums: { n: 5, 'b:0': 4 }, min: { x: -1, y: 7 }, max: { x: 2 } },
    { sums: {}, min: {}, max: {} },
  ];
  const expected = { sums: { n: 7, 'b:0': 4, 'b:299': 1 }, min: { x: -1, y: 7 }, max: { x: 3 } };

  it('adds sums, keeps the extremes, and names each counter once, past its first 256 ids', () => {
    const totals = new CounterTotals();
    for (const r of records) totals.add(sparseRecordOf(r, names));
    expect(totals.named(names)).toEqual(expected);
    expect(new CounterTotals().named(names)).toEqual({ sums: {}, min: {}, max: {} });
  });

  it('adds encoded records to the same totals, histogram runs and fractions included', () => {
    const totals = new CounterTotals();
    for (const r of records) totals.addEncoded(encodeCounters(r, names));
    expect(totals.named(names)).toEqual(expected);

    // Consecutive bins are written as packed runs (tags 4 and 6); sums of decimals as tag 5.
    const bins = (scale: number) =>
      Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`b:${k}`, k * scale]));
    const mixed = new CounterTotals();
    mixed.addEncoded(encodeCounters({ sums: { ...bins(1), s: 0.1 + 0.2 }, min: {}, max: {} }, names));
    mixed.add(sparseRecordOf({ sums: { ...bins(100_000), s: 0.7 }, min: { z: 0.5 }, max: {} }, names));
    mixed.addEncoded(encodeCounters({ sums: bins(3), min: { z: -2.25 }, max: { z: 1e300 } }, names));
    const named = mixed.named(names);
    for (let k = 0; k < 40; k++) expect(named.sums[`b:${k}`]).toBe(k * 100_004);
    expect(named.sums.s).toBe(0.1 + 0.2 + 0.7);
    expect(named.min).toEqual({ z: -2.25 });
    expect(named.max).toEqual({ z: 1e300 });
  });
});
