/**
 * Known traffic for the segment suites: an endpoint (x numeric, country categorical, a categorical
 * prediction with labels), a 200-row reference, and 600 predictions whose regions drift while the
 * whole endpoint does not (see `production`).
 */
import type { RunningProxy } from '../../../src/server';
import { call } from '../../helpers/proxy';

export interface ColumnDrift {
  name: string;
  histograms: { expected: number[]; actual: number[] };
  measures: Record<string, { value: number }>;
  decision?: { status: string; value: number | null };
}
export interface DriftReport {
  segment?: { key: string; value: string };
  window: { predictions: number };
  features: ColumnDrift[];
  overall: { status: string; explanation: { value: number | null } };
}
export interface SegmentKeyView {
  key: string;
  budget: number;
  values: string[];
  slotsLeft: number;
  overflowPredictions: number;
}
export interface RankingRow {
  segmentKey: string;
  segment: string;
  n: number;
  status: string;
  score: number | null;
  worstFeature: string | null;
  worstFeatureScore: number | null;
}

export const COUNTRIES = ['DE', 'FR', 'IT', 'ES'];

/**
 * 600 predictions, x = 0..99 six times. Copies 0 and 1 split by region at x = 50 ("low" below,
 * "high" above), copies 2-5 are region "mixed": each region but "mixed" is far from the reference,
 * while the whole endpoint sees exactly the reference's distribution. Labels agree with the
 * prediction in "low", never in "high", and in every other copy in "mixed".
 */
export function production(endpoint: string, t0: number) {
  const events = [];
  for (let copy = 0; copy < 6; copy++)
    for (let x = 0; x < 100; x++) {
      const region = copy < 2 ? (x < 50 ? 'low' : 'high') : 'mixed';
      const prediction = x % 2 ? 'yes' : 'no';
      const agrees = region === 'low' || (region === 'mixed' && copy % 2 === 0);
      events.push({
        endpoint,
        timestamp: t0 + copy * 60_000 + x * 100,
        features: { x, country: COUNTRIES[(x + copy) % 4] },
        prediction,
        label: agrees ? prediction : prediction === 'yes' ? 'no' : 'yes',
        latencyMs: 1 + (x % 10),
        // Both spellings of an event's tags.
        ...(copy % 2 ? { tags: { region } } : { segment: { region } }),
      });
    }
  return events;
}
export type Event = ReturnType<typeof production>[number];
export const regionOf = (e: Event) => ('tags' in e ? e.tags : e.segment)?.region;

export const MINUTE = 60_000;

export interface SegmentedEndpoint {
  id: string;
  /** Minute-aligned start of the traffic, 30 minutes ago. */
  t0: number;
  events: Event[];
  /** The reference's categories of country, in bin order. */
  categories: string[];
}

/** Registers the endpoint with its reference; with `declare`, also declares region (tag) and country (feature, budget 2) and ingests the traffic. */
export async function segmentedEndpoint(proxy: RunningProxy, declare: boolean): Promise<SegmentedEndpoint> {
  const url = proxy.url;
  const t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;
  const created = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
    body: {
      project: 'shop',
      model: 'churn',
      features: [
        { name: 'x', kind: 'numeric' },
        { name: 'country', kind: 'categorical' },
      ],
      predictionColumns: [{ name: 'prediction', kind: 'categorical' }],
      labelColumns: ['label'],
    },
  });
  const id = created.body.id;
  const rows = Array.from({ length: 200 }, (_, i) => ({
    x: i % 100,
    country: COUNTRIES[i % 4],
    prediction: i % 2 ? 'yes' : 'no',
    label: i % 2 ? 'yes' : 'no',
  }));
  const reference = await call<{
    statistics: { features: Array<{ name: string; categories?: string[] }> };
  }>(url, 'PUT', `/api/v1/endpoints/${id}/reference`, { body: { rows } });
  if (reference.status !== 201) throw new Error(`reference: ${reference.status}`);
  const categories = reference.body.statistics.features[1].categories as string[];
  const events = production(id, t0);
  if (declare) {
    await call(url, 'PUT', `/api/v1/endpoints/${id}/segments`, { body: { segments: DECLARED } });
    const ingested = await call(url, 'POST', '/api/v1/predictions', { body: { events } });
    if (ingested.status !== 201) throw new Error(`ingest: ${ingested.status}`);
  }
  return { id, t0, events, categories };
}

/** The declaration the suites use: region from a tag, country from the feature with a budget of 2. */
export const DECLARED = [
  { key: 'region', source: { tag: 'region' } },
  { key: 'country', source: { feature: 'country' }, budget: 2 },
];
