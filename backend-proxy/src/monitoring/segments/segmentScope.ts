import { OTHER_SEGMENT } from './segmentDeclaration';
import type { SegmentKeyState } from './segmentState';

/** One segment as queries see it: its key and value, and the id its aggregates are stored under. */
export interface SegmentScope {
  key: string;
  value: string;
  /** The aggregate id: what `AggregateKey.endpointId` holds for this segment's counters. */
  aggregatesId: string;
  /**
   * The feature the key is taken from (feature-sourced keys): constant within a segment, so it is
   * left out of the segment's drift (it would always differ from the whole reference).
   */
  ownFeature: string | null;
}

/**
 * The id a segment's aggregates are stored under, beside the endpoint's own:
 * `<endpoint id>/<key>.<generation>/<slot>` (slot: the value's index, or `other`). Endpoint ids are
 * 40 hex characters, so no endpoint's id has this form; values never appear in it, only slots.
 */
export function segmentAggregatesId(
  endpointId: string,
  key: Pick<SegmentKeyState, 'key' | 'generation'>,
  slot: number | typeof OTHER_SEGMENT,
): string {
  return `${endpointId}/${key.key}.${key.generation}/${slot}`;
}

/** The scopes of a key's values (in slot order), then `other`. */
export function keyScopes(endpointId: string, key: SegmentKeyState): SegmentScope[] {
  const ownFeature = 'feature' in key.source ? key.source.feature : null;
  return [...key.values, OTHER_SEGMENT].map((value, slot) => ({
    key: key.key,
    value,
    aggregatesId: segmentAggregatesId(endpointId, key, value === OTHER_SEGMENT ? OTHER_SEGMENT : slot),
    ownFeature,
  }));
}

/** The aggregates a query reads: the segment's, or the whole endpoint's. */
export const aggregatesIdOf = (endpointId: string, segment?: SegmentScope | null): string =>
  segment ? segment.aggregatesId : endpointId;

/** Which segment a report describes (absent: the whole endpoint). */
export interface SegmentOf {
  segment?: { key: string; value: string };
}

export const segmentOf = (segment: SegmentScope | null | undefined): SegmentOf =>
  segment ? { segment: { key: segment.key, value: segment.value } } : {};
