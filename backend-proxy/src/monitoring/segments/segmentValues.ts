import { MAX_SEGMENT_VALUE_LENGTH, OTHER_SEGMENT, type SegmentSource } from './segmentDeclaration';

/** What an event offers a segment key: its values by feature name and its tags. */
export interface SegmentedEvent {
  features: Record<string, unknown>;
  tags: Record<string, string | number | boolean> | null;
}

/**
 * The event's value for a key, as a string (`3`, `true`, `DE`); null when the event does not carry
 * it (it then counts in no segment of the key). Values longer than MAX_SEGMENT_VALUE_LENGTH count
 * under `other`.
 */
export function segmentValueOf(source: SegmentSource, event: SegmentedEvent): string | null {
  const raw = 'feature' in source ? event.features[source.feature] : event.tags?.[source.tag];
  if (raw === undefined || raw === null || raw === '') return null;
  const value = String(raw);
  return value.length > MAX_SEGMENT_VALUE_LENGTH ? OTHER_SEGMENT : value;
}
