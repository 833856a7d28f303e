import { CounterSet } from '../../../src/monitoring/aggregates/counterSet';

describe('CounterSet', () => {
  it('increments sums and keeps the extremes observed', () => {
    const set = new CounterSet();
    set.increment('n');
    set.increment('n');
    set.increment('lat:sum', 250);
    for (const v of [4, -2, 7]) set.observe('f:0', v);
    expect(set.add).toEqual({ n: 2, 'lat:sum': 250 });
    expect(set.min).toEqual({ 'f:0': -2 });
    expect(set.max).toEqual({ 'f:0': 7 });
    expect(set.get('n')).toBe(2);
    expect(set.get('never')).toBe(0);
  });

  it('merges deltas (add) and stored records (sums): sums add, extremes widen', () => {
    const set = new CounterSet();
    set.merge({ add: { n: 3, err: 1 }, min: { 'f:0': 1 }, max: { 'f:0': 5 } });
    set.merge({ sums: { n: 2 }, min: { 'f:0': 2, 'f:1': -1 }, max: { 'f:0': 9 } });
    expect(set.add).toEqual({ n: 5, err: 1 });
    expect(set.min).toEqual({ 'f:0': 1, 'f:1': -1 });
    expect(set.max).toEqual({ 'f:0': 9 });
  });
});
