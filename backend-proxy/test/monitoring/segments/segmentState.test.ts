import { OTHER_SEGMENT } from '../../../src/monitoring/segments/segmentDeclaration';
import { segmentRouter, valuesByKey } from '../../../src/monitoring/segments/segmentRouting';
import { keyScopes, segmentAggregatesId } from '../../../src/monitoring/segments/segmentScope';
import {
  EMPTY_SEGMENTS,
  redeclare,
  slotOf,
  withAssigned,
} from '../../../src/monitoring/segments/segmentState';
import { segmentValueOf } from '../../../src/monitoring/segments/segmentValues';

const EP = 'a'.repeat(40);
const declared = redeclare(EMPTY_SEGMENTS, [
  { key: 'country', source: { feature: 'country' }, budget: 2 },
  { key: 'tier', source: { tag: 'tier' }, budget: 20 },
]);

describe('segment state', () => {
  it('assigns slots in order of first appearance until the budget is spent, never "other"', () => {
    const next = withAssigned(declared, new Map([['country', ['DE', OTHER_SEGMENT, 'FR', 'IT']]]));
    expect(next?.keys[0].values).toEqual(['DE', 'FR']);
    expect(next && slotOf(next.keys[0], 'FR')).toBe(1);
    expect(next && slotOf(next.keys[0], 'IT')).toBe(OTHER_SEGMENT);
    // Nothing new (known values, or no room): no write.
    expect(next && withAssigned(next, new Map([['country', ['FR', 'ES']]]))).toBeNull();
  });

  it('keeps slots when a key is declared again with the same source, restarts them when the source changes', () => {
    const assigned = withAssigned(
      declared,
      new Map([
        ['country', ['DE']],
        ['tier', ['gold']],
      ]),
    );
    const again =
      assigned &&
      redeclare(assigned, [
        { key: 'tier', source: { tag: 'tier' }, budget: 5 },
        { key: 'country', source: { tag: 'country' }, budget: 2 },
      ]);
    expect(again?.keys.map((k) => [k.key, k.generation, k.budget, k.values])).toEqual([
      ['tier', 2, 5, ['gold']],
      ['country', 3, 2, []],
    ]);
    expect(again?.nextGeneration).toBe(4);
  });

  it('reads values from features or tags, as strings, long ones under "other"', () => {
    const event = { features: { country: 'DE', n: 3, b: true, none: null }, tags: { tier: 'gold' } };
    expect(segmentValueOf({ feature: 'country' }, event)).toBe('DE');
    expect(segmentValueOf({ feature: 'n' }, event)).toBe('3');
    expect(segmentValueOf({ feature: 'b' }, event)).toBe('true');
    expect(segmentValueOf({ feature: 'none' }, event)).toBeNull();
    expect(segmentValueOf({ tag: 'tier' }, event)).toBe('gold');
    expect(segmentValueOf({ tag: 'other' }, event)).toBeNull();
    expect(segmentValueOf({ tag: 't' }, { features: {}, tags: { t: 'x'.repeat(129) } })).toBe(OTHER_SEGMENT);
  });

  it('routes each event to one aggregate id per key it carries', () => {
    const state = withAssigned(declared, new Map([['country', ['DE']]])) ?? declared;
    const route = segmentRouter(EP, state);
    const [country, tier] = state.keys;
    expect(route({ features: { country: 'DE' }, tags: { tier: 'gold' } })).toEqual([
      segmentAggregatesId(EP, country, 0),
      segmentAggregatesId(EP, tier, OTHER_SEGMENT),
    ]);
    expect(route({ features: { country: 'FR' }, tags: null })).toEqual([`${EP}/country.1/other`]);
    expect(keyScopes(EP, country).map((s) => [s.value, s.aggregatesId, s.ownFeature])).toEqual([
      ['DE', `${EP}/country.1/0`, 'country'],
      ['other', `${EP}/country.1/other`, 'country'],
    ]);
    expect(
      valuesByKey(state, [
        { features: { country: 'FR' }, tags: { tier: 'b' } },
        { features: { country: 'DE' }, tags: { tier: 'a' } },
        { features: { country: 'FR' }, tags: null },
      ]),
    ).toEqual(
      new Map([
        ['country', new Set(['FR', 'DE'])],
        ['tier', new Set(['b', 'a'])],
      ]),
    );
  });
});
