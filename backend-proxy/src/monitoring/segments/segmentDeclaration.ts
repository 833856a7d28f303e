/**
 * What an endpoint declares about its segments (slices of its traffic with their own counters),
 * and the limits on it, defined once for the API, ingest and queries.
 */

/** How many segment keys one endpoint may declare. */
export const MAX_SEGMENT_KEYS = 3;
/** Distinct values of a key that keep their own counters, unless the declaration says otherwise. */
export const DEFAULT_SEGMENT_BUDGET = 20;
export const MAX_SEGMENT_BUDGET = 100;
/** The reserved value every value beyond the budget (or longer than MAX_SEGMENT_VALUE_LENGTH) counts under. */
export const OTHER_SEGMENT = 'other';
/** Longest value that can get its own slot; segment values are user input. */
export const MAX_SEGMENT_VALUE_LENGTH = 128;
/** A segment key: an identifier, so it can appear in Grafana targets and Prometheus labels as is. */
export const SEGMENT_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** A tag name on an event (`tags: {tier: "gold"}`). */
export const TAG_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** Where an event's value for the key comes from: one of its features, or one of its tags. */
export type SegmentSource = { feature: string } | { tag: string };

export interface SegmentDeclaration {
  key: string;
  source: SegmentSource;
  budget: number;
}

export const sameSource = (a: SegmentSource, b: SegmentSource): boolean =>
  'feature' in a ? 'feature' in b && a.feature === b.feature : 'tag' in b && a.tag === b.tag;

export const describeSource = (source: SegmentSource): string =>
  'feature' in source ? `feature "${source.feature}"` : `tag "${source.tag}"`;
