import { buildBinning } from '../../../src/monitoring/aggregates/binning';
import { BatchAccumulator, type ResolvedEvent } from '../../../src/monitoring/ingest/batchAccumulator';
import type { NormalizedEvent } from '../../../src/monitoring/ingest/normalize';
import { newEndpointRecord } from '../../../src/monitoring/endpoints/endpointService';
import { CounterSet } from '../../../src/monitoring/aggregates/counterSet';
import type { MinuteCounters } from '../../../src/monitoring/aggregates/rollUp';
import { namedDelta } from '../../../src/store/namedDelta';
import type { EndpointRecord } from '../../../src/store/types';

const minute = 60_000;
const t0 = 1_700_000_040_000 - (1_700_000_040_000 % minute);
const now = new Date(t0 + 10 * minute);

const endpoint: EndpointRecord = newEndpointRecord(
  {
    project: 'p',
    model: 'm',
    features: [
      { name: 'x', kind: 'numeric' },
      { name: 'c', kind: 'categorical' },
    ],
    predictionColumns: [{ name: 'prediction', kind: 'categorical' }],
  },
  new Date(t0),
);
// A categorical reference for c (categories a, b, then "other"); x has none.
const binning = buildBinning(
  {
    features: endpoint.features,
    predictions: endpoint.predictionColumns,
    labels: [{ name: 'label', kind: 'categorical' }],
  },
  {
    version: 1,
    statistics: {
      features: [
        {
          name: 'c',
          kind: 'categorical',
          count: 2,
          missing: 0,
          counts: [1, 1, 0],
          categories: ['a', 'b'],
          distinct: 2,
        },
      ],
      predictions: [],
      labels: [],
    },
  },
);

function event(
  at: number,
  x: number | null,
  c: string,
  extra: Partial<NormalizedEvent> = {},
  segments: string[] = [],
  labelValue?: unknown,
): ResolvedEvent {
  const normalized: NormalizedEvent = {
    index: 0,
    target: { endpointId: endpoint.id },
    time: new Date(at),
    features: { x, c },
    prediction: 'yes',
    latencyUs: 2_000,
    error: null,
    requestId: null,
    label: undefined,
    tags: null,
    ...extra,
  };
  return {
    event: normalized,
    endpoint,
    features: { x, c },
    outputs: { prediction: 'yes' },
    labelValue,
    binning,
    segments,
  };
}

const options = {
  samplesPerMinute: 2,
  labelsJoinUntil: new Date(now.getTime() + minute),
  now,
  keepLatencies: true,
};

/** A minute's counters under their names: its named ones and its vectors' (as the stores read them). */
function named(m: MinuteCounters): CounterSet {
  const set = new CounterSet();
  set.merge(m.counters);
  for (const vector of m.vectors ?? [])
    set.merge(namedDelta({ key: AGGREGATE_KEY, add: {}, min: {}, max: {}, vector }));
  return set;
}
const AGGREGATE_KEY = {
  endpointId: 'e',
  family: 'f',
  resolution: 'minute',
  start: 0,
  referenceVersion: 0,
} as const;

describe('BatchAccumulator', () => {
  it('counts each event into its endpoint and each of its segments, per minute', () => {
    const batch = new BatchAccumulator(options);
    batch.add(event(t0 + 1_000, 1, 'a', {}, ['seg/A']));
    batch.add(event(t0 + 2_000, 3, 'b', { error: 'boom' }, ['seg/A', 'seg/B']));
    batch.add(event(t0 + minute + 5, null, 'z', { latencyUs: null }, ['seg/B']));
    const byId = new Map(batch.minuteCounters().map((m) => [`${m.endpointId}@${m.start - t0}`, named(m)]));
    expect([...byId.keys()].sort()).toEqual(
      [`${endpoint.id}@0`, `${endpoint.id}@${minute}`, 'seg/A@0', 'seg/B@0', `seg/B@${minute}`].sort(),
    );
    const first = byId.get(`${endpoint.id}@0`);
    // Two predictions, one error, two latencies of 2 ms; x: present twice, sum 4, squares 10, min 1, max 3.
    expect(first?.add).toMatchObject({
      n: 2,
      err: 1,
      'lat:n': 2,
      'lat:sum': 4_000,
      'f:0:n': 2,
      'f:0:sum': 4,
      'f:0:sq': 10,
    });
    expect(first?.min['f:0']).toBe(1);
    expect(first?.max['f:0']).toBe(3);
    // c on the reference's bins: a -> 0, b -> 1.
    expect(first?.add['f:1:h:0']).toBe(1);
    expect(first?.add['f:1:h:1']).toBe(1);
    expect(byId.get('seg/A@0')?.add).toEqual(first?.add);
    expect(byId.get('seg/B@0')?.add).toMatchObject({ n: 1, err: 1, 'f:0:sum': 3, 'f:1:h:1': 1 });
    // Minute two: x missing, c outside the reference ("other" bin 2, out of range), no latency.
    expect(byId.get(`seg/B@${minute}`)?.add).toMatchObject({
      n: 1,
      'f:0:miss': 1,
      'f:1:h:2': 1,
      'f:1:oor': 1,
    });
    expect(byId.get(`seg/B@${minute}`)?.add['lat:n']).toBeUndefined();
    expect(batch.predictions).toBe(3);
  });

  it('records activity, latencies and a bounded sample per endpoint-minute (never per segment)', () => {
    const batch = new BatchAccumulator(options);
    for (let i = 0; i < 5; i++)
      batch.add(event(t0 + 10_000 - i * 1_000, i, 'a', { error: i === 4 ? 'e' : null }, ['seg/A']));
    expect(batch.activity()).toEqual([
      {
        endpointId: endpoint.id,
        predictions: 5,
        errors: 1,
        firstRequest: new Date(t0 + 6_000),
        lastRequest: new Date(t0 + 10_000),
      },
    ]);
    expect(batch.samples.map((s) => s.features.x)).toEqual([0, 1]);
    expect(batch.latenciesOf(endpoint.id)).toEqual([2_000, 2_000, 2_000, 2_000, 2_000]);
    expect(batch.latenciesOf('seg/A')).toEqual([]);
  });

  it('keeps request ids for late labels, marking those whose label came along', () => {
    const batch = new BatchAccumulator(options);
    batch.add(event(t0, 1, 'a', { requestId: 'r1' }));
    batch.add(event(t0, 1, 'a', { requestId: 'r2' }, ['seg/A'], 'yes'));
    batch.add(event(t0, 1, 'a'));
    expect(
      batch.predictionKeys.map((k) => [k.requestId, k.labelledAt, k.prediction, k.referenceVersion]),
    ).toEqual([
      ['r1', null, 'yes', 1],
      ['r2', now, 'yes', 1],
    ]);
    expect(batch.awaitingLabels()).toEqual(['r1']);
    // The label sent with r2 is counted in the endpoint and in its segment: joined, correct, lag 0.
    const seg = batch.minuteCounters().find((m) => m.endpointId === 'seg/A');
    expect(seg?.counters.add).toMatchObject({ 'l:n': 1, 'l:ok': 1 });
  });
});
