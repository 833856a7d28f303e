import { OTHER_SEGMENT } from './segmentDeclaration';
import { segmentAggregatesId } from './segmentScope';
import type { EndpointSegments } from './segmentState';
import { segmentValueOf, type SegmentedEvent } from './segmentValues';

/** Per key, the distinct values a batch's events carry, in order of first appearance. */
export function valuesByKey(
  state: EndpointSegments,
  events: Iterable<SegmentedEvent>,
): Map<string, Set<string>> {
  const wanted = new Map(state.keys.map((k) => [k.key, new Set<string>()]));
  for (const event of events)
    for (const k of state.keys) {
      const value = segmentValueOf(k.source, event);
      if (value !== null) (wanted.get(k.key) as Set<string>).add(value);
    }
  return wanted;
}

/**
 * The aggregate ids an event is folded into besides its endpoint's: one per key it carries a value
 * for, that value's slot or `other`. Built once per batch and endpoint; slots are read from `state`.
 */
export function segmentRouter(
  endpointId: string,
  state: EndpointSegments,
): (event: SegmentedEvent) => string[] {
  const keys = state.keys.map((k) => ({
    source: k.source,
    slots: new Map(k.values.map((v, slot) => [v, segmentAggregatesId(endpointId, k, slot)])),
    other: segmentAggregatesId(endpointId, k, OTHER_SEGMENT),
  }));
  return (event) => {
    const ids: string[] = [];
    for (const k of keys) {
      const value = segmentValueOf(k.source, event);
      if (value !== null) ids.push(k.slots.get(value) ?? k.other);
    }
    return ids;
  };
}
