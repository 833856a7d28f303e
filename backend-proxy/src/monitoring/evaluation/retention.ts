/**
 * How long the evaluator's pruning keeps each kind of record, configurable per resolution
 * (config.ts, DRIFTWATCH_RETENTION_*). The defaults are sized from bench/storage (RESULTS.md):
 * one endpoint with 20 numeric features at 10 events/s takes about 1.5 KB per minute record,
 * 2.1 KB per hour record and 2.6 KB per day record (both counter families, key and index
 * included), so the steady state of these defaults is
 *
 *   14 d x 1,440 x 1.5 KB + 400 d x 24 x 2.1 KB + (days kept) x 2.6 KB
 *   = 30 MB + 20 MB + ~1 MB per year of day records
 *
 * plus at most 5,000 raw samples (~1.7 MB): within 60 MB per such endpoint for 5 years.
 */
const DAY_MS = 86_400_000;

export interface Retention {
  /** Minute aggregates; also how old a prediction's time may be (older minutes would be pruned). */
  minuteAggregatesMs: number;
  hourAggregatesMs: number;
  /** Day aggregates; 0 keeps them forever. */
  dayAggregatesMs: number;
  /** Raw prediction samples (the incoming-features graph). */
  samplesMs: number;
  maxSamplesPerEndpoint: number;
  /** Ingest and event batch ids: how long a retried batch is recognised as a duplicate. */
  idempotencyMs: number;
}

export const DEFAULT_RETENTION: Retention = {
  minuteAggregatesMs: 14 * DAY_MS,
  hourAggregatesMs: 400 * DAY_MS,
  dayAggregatesMs: 0,
  samplesMs: DAY_MS,
  maxSamplesPerEndpoint: 5_000,
  idempotencyMs: DAY_MS,
};
