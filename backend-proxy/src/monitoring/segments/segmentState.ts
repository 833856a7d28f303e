import { z } from 'zod';
import { OTHER_SEGMENT, sameSource, type SegmentDeclaration } from './segmentDeclaration';

/**
 * An endpoint's declared segment keys with the values that hold a slot, as stored (one document
 * per endpoint). Slots are assigned in order of first appearance while the budget lasts and never
 * reassigned, so a value's slot read once stays true.
 */
export interface SegmentKeyState extends SegmentDeclaration {
  /** Changes when the key is (re)declared with another source: its counters start afresh. */
  generation: number;
  /** The values holding a slot; a value's slot is its index. */
  values: string[];
}

export interface EndpointSegments {
  keys: SegmentKeyState[];
  nextGeneration: number;
}

export const EMPTY_SEGMENTS: EndpointSegments = { keys: [], nextGeneration: 1 };

const source = z.union([z.strictObject({ feature: z.string() }), z.strictObject({ tag: z.string() })]);
export const endpointSegmentsSchema: z.ZodType<EndpointSegments> = z.strictObject({
  keys: z.array(
    z.strictObject({
      key: z.string(),
      source,
      budget: z.number().int(),
      generation: z.number().int(),
      values: z.array(z.string()),
    }),
  ),
  nextGeneration: z.number().int(),
});

/**
 * The state after a new declaration: a key declared again with the same source keeps its slots
 * (a lower budget assigns no new ones until values fit under it); a new key, or one whose source
 * changed, starts with no slots under a new generation; keys left out are dropped.
 */
export function redeclare(state: EndpointSegments, declarations: SegmentDeclaration[]): EndpointSegments {
  let next = state.nextGeneration;
  const keys = declarations.map((d): SegmentKeyState => {
    const kept = state.keys.find((k) => k.key === d.key && sameSource(k.source, d.source));
    return kept
      ? { ...d, generation: kept.generation, values: kept.values }
      : { ...d, generation: next++, values: [] };
  });
  return { keys, nextGeneration: next };
}

/**
 * Gives slots to the wanted values of each key that have none, in the order given, while
 * `values.length < budget`. Returns null when nothing changes (every value known or no room).
 */
export function withAssigned(
  state: EndpointSegments,
  wanted: ReadonlyMap<string, Iterable<string>>,
): EndpointSegments | null {
  let changed = false;
  const keys = state.keys.map((k) => {
    const candidates = wanted.get(k.key);
    if (!candidates) return k;
    const values = [...k.values];
    const known = new Set(values);
    for (const v of candidates) {
      if (values.length >= k.budget) break;
      if (known.has(v) || v === OTHER_SEGMENT) continue;
      values.push(v);
      known.add(v);
      changed = true;
    }
    return values.length === k.values.length ? k : { ...k, values };
  });
  return changed ? { ...state, keys } : null;
}

/** The slot of a value under a key (its index), or OTHER_SEGMENT. */
export function slotOf(key: SegmentKeyState, value: string): number | typeof OTHER_SEGMENT {
  const i = key.values.indexOf(value);
  return i < 0 ? OTHER_SEGMENT : i;
}
