import { InvalidInputError } from './errors';
import { DEFAULT_RETENTION, type Retention } from './monitoring/evaluation/retention';
import { DEFAULT_EVENT_TIME_WINDOW } from './monitoring/ingest/eventTimeWindow';

/** Everything the proxy reads from its environment; flags override these (see cli/). */
export interface Config {
  port: number;
  host: string;
  /** `mongodb://...` / `mongodb+srv://...`, a file path for the embedded store, or `:memory:`. */
  store: string;
  demo: boolean;
  logLevel: string;
  /** Largest accepted JSON body, bytes. */
  maxBodyBytes: number;
  /** Largest accepted artifact upload, bytes. */
  maxArtifactBytes: number;
  /** How often drift/accuracy/status are re-evaluated, ms; 0 disables the evaluator. */
  evaluationIntervalMs: number;
  /** The window each evaluation looks at, ms. */
  evaluationWindowMs: number;
  /** Serve Prometheus metrics on this separate port (no auth) instead of `/metrics` on the API port. */
  metricsPort: number | null;
  /** Export per-feature drift gauges to Prometheus (one series per endpoint x feature). */
  metricsPerFeature: boolean;
  /** Most segment series /metrics exports (the worst segments first); the rest are counted as dropped. */
  prometheusSegmentLimit: number;
  /** How often monitor jobs are checked for being due, ms; 0 disables the job runner. */
  jobTickMs: number;
  /** How often pending webhook deliveries are sent, ms; 0 disables delivery. */
  webhookPollMs: number;
  /** Grafana's base URL, for links in alert webhooks to the Details dashboard. */
  grafanaUrl: string | null;
  /** This proxy's externally reachable base URL, for links when Grafana's is not set. */
  publicUrl: string | null;
  /** How far into the future a prediction's time may lie (clock skew of senders), ms. */
  maxClockSkewMs: number;
  /** Concurrent ingest batches for the same endpoints share one store transaction. */
  groupCommit: boolean;
  /** How long aggregates per resolution, samples and batch ids are kept (DRIFTWATCH_RETENTION_*). */
  retention: Retention;
}

export const DEFAULT_STORE_PATH = './data/driftwatch.db';

const DEFAULTS: Config = {
  port: 8080,
  host: '0.0.0.0',
  store: DEFAULT_STORE_PATH,
  demo: false,
  logLevel: 'info',
  maxBodyBytes: 16 * 1024 * 1024,
  maxArtifactBytes: 2 * 1024 * 1024 * 1024,
  evaluationIntervalMs: 60_000,
  evaluationWindowMs: 3_600_000,
  metricsPort: null,
  metricsPerFeature: false,
  prometheusSegmentLimit: 500,
  jobTickMs: 15_000,
  webhookPollMs: 1_000,
  grafanaUrl: null,
  publicUrl: null,
  maxClockSkewMs: DEFAULT_EVENT_TIME_WINDOW.maxFutureSkewMs,
  groupCommit: true,
  retention: DEFAULT_RETENTION,
};

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidInputError(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new InvalidInputError(`${name} must be true or false, got "${raw}"`);
}

function url(env: Env, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  if (!/^https?:\/\/[^\s]+$/.test(raw))
    throw new InvalidInputError(`${name} must be an http(s) URL, got "${raw}"`);
  return raw.replace(/\/$/, '');
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function retention(env: Env): Retention {
  const d = DEFAULTS.retention;
  const span = (name: string, fallback: number, unit: number, min: number) =>
    integer(env, name, fallback / unit, min) * unit;
  return {
    minuteAggregatesMs: span('DRIFTWATCH_RETENTION_MINUTES_DAYS', d.minuteAggregatesMs, DAY_MS, 1),
    hourAggregatesMs: span('DRIFTWATCH_RETENTION_HOURS_DAYS', d.hourAggregatesMs, DAY_MS, 1),
    dayAggregatesMs: span('DRIFTWATCH_RETENTION_DAYS_DAYS', d.dayAggregatesMs, DAY_MS, 0),
    samplesMs: span('DRIFTWATCH_RETENTION_SAMPLES_HOURS', d.samplesMs, HOUR_MS, 1),
    maxSamplesPerEndpoint: integer(env, 'DRIFTWATCH_RETENTION_SAMPLES_MAX', d.maxSamplesPerEndpoint, 0),
    idempotencyMs: span('DRIFTWATCH_RETENTION_BATCH_IDS_HOURS', d.idempotencyMs, HOUR_MS, 1),
  };
}

/** Reads `DRIFTWATCH_*` variables over the defaults. Throws InvalidInputError naming the bad variable. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const metricsPort = integer(env, 'DRIFTWATCH_METRICS_PORT', 0, 0);
  return {
    port: integer(env, 'DRIFTWATCH_PORT', DEFAULTS.port, 0),
    host: env.DRIFTWATCH_HOST || DEFAULTS.host,
    store: env.DRIFTWATCH_STORE || DEFAULTS.store,
    demo: boolean(env, 'DRIFTWATCH_DEMO', DEFAULTS.demo),
    logLevel: env.DRIFTWATCH_LOG_LEVEL || DEFAULTS.logLevel,
    maxBodyBytes: integer(env, 'DRIFTWATCH_MAX_BODY_BYTES', DEFAULTS.maxBodyBytes, 1024),
    maxArtifactBytes: integer(env, 'DRIFTWATCH_MAX_ARTIFACT_BYTES', DEFAULTS.maxArtifactBytes, 1),
    evaluationIntervalMs: integer(env, 'DRIFTWATCH_EVALUATION_INTERVAL_MS', DEFAULTS.evaluationIntervalMs, 0),
    evaluationWindowMs: integer(env, 'DRIFTWATCH_EVALUATION_WINDOW_MS', DEFAULTS.evaluationWindowMs, 60_000),
    metricsPort: metricsPort === 0 ? null : metricsPort,
    metricsPerFeature: boolean(env, 'DRIFTWATCH_METRICS_PER_FEATURE', DEFAULTS.metricsPerFeature),
    prometheusSegmentLimit: integer(
      env,
      'DRIFTWATCH_PROMETHEUS_SEGMENT_LIMIT',
      DEFAULTS.prometheusSegmentLimit,
      0,
    ),
    jobTickMs: integer(env, 'DRIFTWATCH_JOB_TICK_MS', DEFAULTS.jobTickMs, 0),
    webhookPollMs: integer(env, 'DRIFTWATCH_WEBHOOK_POLL_MS', DEFAULTS.webhookPollMs, 0),
    grafanaUrl: url(env, 'DRIFTWATCH_GRAFANA_URL'),
    publicUrl: url(env, 'DRIFTWATCH_PUBLIC_URL'),
    maxClockSkewMs: integer(env, 'DRIFTWATCH_MAX_CLOCK_SKEW_MS', DEFAULTS.maxClockSkewMs, 0),
    groupCommit: boolean(env, 'DRIFTWATCH_GROUP_COMMIT', DEFAULTS.groupCommit),
    retention: retention(env),
    ...overrides,
  };
}
