import { isCommonPlainEvent, plainEvent } from '../../../src/monitoring/ingest/eventShapes';

/** The fast path must never accept an event the full schema would refuse. */
describe('isCommonPlainEvent', () => {
  const base = {
    endpoint: 'a'.repeat(40),
    timestamp: 1_790_000_000_000,
    features: { x: 1.5, c: 'red', flag: true, gone: null },
    prediction: 'yes',
    latencyMs: 12.5,
    error: null,
    requestId: 'r-1',
    label: 'no',
  };
  const variants: Array<Record<string, unknown>> = [
    base,
    { ...base, features: [1, 2, 3] },
    { ...base, prediction: [0.1, 0.9] },
    { ...base, timestamp: undefined },
    { ...base, timestamp: 12 },
    { ...base, timestamp: 1.5e12 + 0.5 },
    { ...base, timestamp: '2026-01-01T00:00:00Z' },
    { ...base, endpoint: 'A'.repeat(40) },
    { ...base, endpoint: 'a'.repeat(39) },
    { ...base, features: { x: { $gt: 1 } } },
    { ...base, features: { '': 1 } },
    { ...base, features: 'x' },
    { ...base, features: [[1]] },
    { ...base, latencyMs: -1 },
    { ...base, latencyMs: 86_400_001 },
    { ...base, latencyMs: '5' },
    { ...base, error: 5 },
    { ...base, error: 'x'.repeat(10_001) },
    { ...base, requestId: '' },
    { ...base, requestId: 'r'.repeat(257) },
    { ...base, label: { a: [1] } },
    { ...base, extra: 1 },
    { ...base, model: 'm' },
    { ...base, features: { x: 'y'.repeat(1_001) } },
  ];

  it.each(variants.map((v, i) => [i, v]))(
    'variant %i: fast acceptance implies schema acceptance',
    (_i, event) => {
      if (isCommonPlainEvent(event as Record<string, unknown>))
        expect(plainEvent.safeParse(event).success).toBe(true);
    },
  );

  it('takes the fast path for the common shape and refuses the bad variants', () => {
    expect(isCommonPlainEvent(base)).toBe(true);
    expect(variants.filter((v) => isCommonPlainEvent(v)).length).toBe(5);
  });
});
