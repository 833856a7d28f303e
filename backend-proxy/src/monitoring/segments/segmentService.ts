import { ConflictError, InvalidInputError } from '../../errors';
import { DocumentCollection } from '../../store/documentCollection';
import type { DocumentStore, EndpointRecord } from '../../store/types';
import type { WindowService } from '../windows/windowService';
import {
  describeSource,
  OTHER_SEGMENT,
  type SegmentDeclaration,
  type SegmentSource,
} from './segmentDeclaration';
import { keyScopes, type SegmentScope } from './segmentScope';
import {
  EMPTY_SEGMENTS,
  endpointSegmentsSchema,
  redeclare,
  withAssigned,
  type EndpointSegments,
} from './segmentState';

/** Compare-and-set rounds before a write gives up (each lost round means another writer went first). */
const MAX_WRITE_ROUNDS = 50;

/** A declared key as the endpoint API shows it. */
export interface SegmentKeyView {
  key: string;
  source: SegmentSource;
  budget: number;
  /** Values holding their own counters, in order of first appearance. */
  values: string[];
  slotsLeft: number;
  /** Predictions counted under `other` (values beyond the budget), over the retained aggregates. */
  overflowPredictions: number;
}

/**
 * Segment declarations and slot assignments, one stored document per endpoint written by
 * compare-and-set: two batches (or replicas) meeting a new value at once agree on its slot,
 * because only one of their writes lands and the other re-reads it.
 */
export class SegmentService {
  private readonly documents: DocumentCollection<EndpointSegments>;

  constructor(
    store: DocumentStore,
    private readonly windows: WindowService,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.documents = new DocumentCollection(store, 'endpoint-segments', endpointSegmentsSchema);
  }

  /** The endpoint's keys and slots (no keys when it declared none). */
  async stateOf(endpointId: string): Promise<EndpointSegments> {
    return (await this.documents.get(endpointId))?.body ?? EMPTY_SEGMENTS;
  }

  /** Replaces the endpoint's declaration (see redeclare for what happens to existing slots). */
  async declare(endpoint: EndpointRecord, declarations: SegmentDeclaration[]): Promise<SegmentKeyView[]> {
    const features = new Set(endpoint.features.map((f) => f.name));
    const keys = new Set<string>();
    for (const d of declarations) {
      if (keys.has(d.key)) throw new InvalidInputError(`segment key "${d.key}" is declared twice`);
      keys.add(d.key);
      if ('feature' in d.source && !features.has(d.source.feature))
        throw new InvalidInputError(
          `segment key "${d.key}": the endpoint has no feature "${d.source.feature}"`,
          { features: [...features] },
        );
    }
    await this.update(endpoint, (state) => redeclare(state, declarations));
    return this.describe(endpoint);
  }

  /**
   * Gives slots to the values a batch brings (per key, in order of appearance, as `wantedIn` finds
   * them in the state read) and returns the state every event of the batch is then routed by: one
   * read when nothing changes, also for an endpoint that declared no segments.
   */
  async assign(
    endpoint: EndpointRecord,
    wantedIn: (state: EndpointSegments) => ReadonlyMap<string, Iterable<string>>,
  ): Promise<EndpointSegments> {
    return this.update(endpoint, (state) => withAssigned(state, wantedIn(state)));
  }

  async describe(endpoint: EndpointRecord): Promise<SegmentKeyView[]> {
    const state = await this.stateOf(endpoint.id);
    const now = this.clock().getTime();
    return Promise.all(
      state.keys.map(async (k): Promise<SegmentKeyView> => {
        const other = keyScopes(endpoint.id, k).find((s) => s.value === OTHER_SEGMENT) as SegmentScope;
        // From the epoch: events may predate the endpoint's registration (back-filled traffic).
        const counters = await this.windows.counters(other.aggregatesId, 0, now + 60_000, {
          families: ['ops'],
        });
        return {
          key: k.key,
          source: k.source,
          budget: k.budget,
          values: k.values,
          slotsLeft: Math.max(0, k.budget - k.values.length),
          overflowPredictions: counters.get('n'),
        };
      }),
    );
  }

  /**
   * The segments a query asks for: the given values of a key (each must hold a slot, or be
   * `other`), or all of them with `other` last. Unknown keys and values are a 400 naming what exists.
   */
  async scopes(endpoint: EndpointRecord, key: string, values?: readonly string[]): Promise<SegmentScope[]> {
    const state = await this.stateOf(endpoint.id);
    const declared = state.keys.find((k) => k.key === key);
    if (!declared)
      throw new InvalidInputError(`endpoint ${endpoint.id} has no segment key "${key}"`, {
        segmentKeys: state.keys.map((k) => k.key),
      });
    const all = keyScopes(endpoint.id, declared);
    if (!values) return all;
    const unknown = values.filter((v) => !all.some((s) => s.value === v));
    if (unknown.length)
      throw new InvalidInputError(
        `segment key "${key}" (${describeSource(declared.source)}) has no value ${unknown.map((u) => JSON.stringify(u)).join(', ')}`,
        { values: all.map((s) => s.value) },
      );
    return values.map((v) => all.find((s) => s.value === v) as SegmentScope);
  }

  /** Every segment of every key (or of one key), for rankings. */
  async allScopes(endpoint: EndpointRecord, key?: string): Promise<SegmentScope[]> {
    if (key !== undefined) return this.scopes(endpoint, key);
    const state = await this.stateOf(endpoint.id);
    return state.keys.flatMap((k) => keyScopes(endpoint.id, k));
  }

  /** Applies `change` by compare-and-set until it lands; a change that returns null writes nothing. */
  private async update(
    endpoint: EndpointRecord,
    change: (state: EndpointSegments) => EndpointSegments | null,
  ): Promise<EndpointSegments> {
    for (let round = 0; round < MAX_WRITE_ROUNDS; round++) {
      const doc = await this.documents.get(endpoint.id);
      const state = doc?.body ?? EMPTY_SEGMENTS;
      const next = change(state);
      if (!next) return state;
      const written = await this.documents.put(
        { id: endpoint.id, project: endpoint.project, body: next },
        doc?.version ?? 0,
        this.clock(),
      );
      if (written !== null) return next;
    }
    throw new ConflictError(
      `the segments of endpoint ${endpoint.id} are being changed by other writers; retry`,
    );
  }
}
