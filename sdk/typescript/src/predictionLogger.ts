import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchSender, type BatchOutcome } from './batchSender';
import { putReferenceRows } from './reference';
import type { RetryPolicy, Transport } from './transport';
import { BadRequestError, DriftwatchError } from './errors';
import type {
  FeatureValues,
  LabelReceipt,
  OutputValue,
  PredictionReceipt,
  ReferenceColumns,
  ReferenceInfo,
} from './types';

/** One prediction as the model server saw it. */
export interface PredictionInput {
  features: FeatureValues;
  prediction?: OutputValue;
  latencyMs?: number;
  /** An error message (or true) when the prediction failed. */
  error?: string | boolean | null;
  /** Lets ground truth that arrives later be joined to this prediction. */
  requestId?: string;
  /** Ground truth, when it is known at prediction time. */
  label?: OutputValue;
  /** Default: when `log()` was called, so queueing delays do not shift it. */
  timestamp?: Date | number;
}

/** Which endpoint the events count on: its id, or the model identity (registered on first use). */
export interface PredictionTarget {
  endpoint?: string;
  model?: string;
  version?: string;
  function?: string;
  modelClass?: string;
}

export interface PredictionLoggerOptions extends PredictionTarget {
  /** Events per request. Default 500. */
  batchSize?: number;
  /** Longest time an event waits before being sent, ms. Default 1000. */
  flushIntervalMs?: number;
  /** Events (and, separately, labels) held at most; past it new ones are dropped and counted. Default 10,000. */
  maxQueue?: number;
  /** Default: the client's policy. */
  retry?: Partial<RetryPolicy>;
  /** Told about every failure with how many events it lost; never called on the caller's stack. */
  onError?: (error: Error, lostEvents: number) => void;
  /** Send what is queued when the process ends normally or gets SIGTERM/SIGINT. Default true. */
  flushOnExit?: boolean;
  /** How long a signal-triggered exit waits for the last sends, ms. Default 5000. */
  exitTimeoutMs?: number;
}

export interface PredictionLoggerStats {
  /** Events waiting to be sent. */
  queued: number;
  /** Events the server acknowledged. */
  sent: number;
  /** Events refused at `log()` because the queue was full or the logger closed. */
  dropped: number;
  /** Events lost after they left the queue: refused by the server or undeliverable after retries. */
  failed: number;
  labelsQueued: number;
  labelsSent: number;
  labelsDropped: number;
  labelsFailed: number;
  /** Requests repeated after a 503 or a network failure. */
  retries: number;
  /** Failures reported (each also went to `onError`). */
  errors: number;
  lastError: Error | null;
}

interface WirePrediction extends PredictionTarget {
  timestamp: number;
  features: FeatureValues;
  prediction?: OutputValue;
  latencyMs?: number;
  error?: string | boolean | null;
  requestId?: string;
  label?: OutputValue;
}

interface WireLabel {
  requestId: string;
  label: OutputValue;
  endpoint?: string;
}

/** Rounds of "drop the event the server named and resend the rest" before giving up on a batch. */
const MAX_REJECTION_ROUNDS = 10;

/** The plain event shape of POST /api/v1/predictions. */
export function toWireEvent(input: PredictionInput, target: PredictionTarget, now: number): WirePrediction {
  if (typeof input.features !== 'object' || input.features === null) {
    throw new TypeError(
      `prediction features must be an object or an array, got ${input.features === null ? 'null' : typeof input.features}`,
    );
  }
  const wire: WirePrediction = {
    timestamp:
      input.timestamp instanceof Date ? input.timestamp.getTime() : Math.round(input.timestamp ?? now),
    features: input.features,
  };
  if (target.endpoint !== undefined) wire.endpoint = target.endpoint;
  else {
    if (target.model === undefined) throw new TypeError('a prediction needs an endpoint id or a model name');
    wire.model = target.model;
    if (target.version !== undefined) wire.version = target.version;
    if (target.function !== undefined) wire.function = target.function;
    if (target.modelClass !== undefined) wire.modelClass = target.modelClass;
  }
  if (input.prediction !== undefined) wire.prediction = input.prediction;
  if (input.latencyMs !== undefined && Number.isFinite(input.latencyMs))
    wire.latencyMs = Math.max(0, input.latencyMs);
  if (input.error !== undefined)
    wire.error = typeof input.error === 'string' ? input.error.slice(0, 10_000) : input.error;
  if (input.requestId !== undefined) wire.requestId = input.requestId;
  if (input.label !== undefined) wire.label = input.label;
  return wire;
}

/** The index of the event a 400 names ("event 4: ..." / "event 4 is invalid"). */
function rejectedIndex(err: unknown): number | undefined {
  if (!(err instanceof BadRequestError)) return undefined;
  const match = /^event (\d+)\b/.exec(err.serverMessage);
  return match ? Number(match[1]) : undefined;
}

// One set of process hooks for all loggers, so that a signal waits for every one of them.
const liveLoggers = new Set<PredictionLogger>();
const EXIT_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

function onBeforeExit(): void {
  for (const logger of liveLoggers) if (logger.hasWork()) void logger.flush();
}

async function onExitSignal(signal: NodeJS.Signals): Promise<void> {
  const loggers = [...liveLoggers];
  const timeoutMs = Math.max(0, ...loggers.map((l) => l.exitTimeoutMs));
  uninstallExitHooks();
  await Promise.race([Promise.allSettled(loggers.map((l) => l.close())), sleep(timeoutMs)]);
  // Re-raise only if nobody else handles the signal: the default action then ends the process as it would have.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installExitHooks(): void {
  process.on('beforeExit', onBeforeExit);
  for (const signal of EXIT_SIGNALS) process.on(signal, onExitSignal);
}

function uninstallExitHooks(): void {
  process.off('beforeExit', onBeforeExit);
  for (const signal of EXIT_SIGNALS) process.off(signal, onExitSignal);
}

function register(logger: PredictionLogger): void {
  if (liveLoggers.size === 0) installExitHooks();
  liveLoggers.add(logger);
}

function unregister(logger: PredictionLogger): void {
  if (liveLoggers.delete(logger) && liveLoggers.size === 0) uninstallExitHooks();
}

/**
 * Logs prediction events in the background. `log()` only appends to a bounded queue and never
 * throws or waits, so a slow or unreachable server never slows the model: past `maxQueue`
 * events are dropped and counted. Batches are sent with a UUID batch id that is reused on
 * retry, so a batch the server committed before the connection broke is counted once.
 */
export class PredictionLogger {
  readonly exitTimeoutMs: number;
  private readonly target: PredictionTarget;
  private readonly maxQueue: number;
  private readonly retry?: Partial<RetryPolicy>;
  private readonly onError?: (error: Error, lostEvents: number) => void;
  private readonly predictions: BatchSender<WirePrediction>;
  private readonly labels: BatchSender<WireLabel>;
  private readonly counts: Omit<PredictionLoggerStats, 'queued' | 'labelsQueued'> = {
    sent: 0,
    dropped: 0,
    failed: 0,
    labelsSent: 0,
    labelsDropped: 0,
    labelsFailed: 0,
    retries: 0,
    errors: 0,
    lastError: null,
  };
  private closed = false;

  constructor(
    private readonly transport: Transport,
    private readonly project: string,
    options: PredictionLoggerOptions,
  ) {
    if (options.endpoint === undefined && options.model === undefined)
      throw new TypeError('give `endpoint` (an id) or `model`');
    this.target = {
      endpoint: options.endpoint,
      model: options.model,
      version: options.version,
      function: options.function,
      modelClass: options.modelClass,
    };
    const batchSize = Math.max(1, Math.min(options.batchSize ?? 500, 50_000));
    const flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.predictions = new BatchSender({ batchSize, flushIntervalMs, send: (b) => this.sendPredictions(b) });
    // Labels go after the predictions queued before them, so each finds its prediction.
    this.labels = new BatchSender({
      batchSize,
      flushIntervalMs,
      send: (b) => this.sendLabels(b),
      after: this.predictions,
    });
    this.maxQueue = Math.max(1, options.maxQueue ?? 10_000);
    this.retry = options.retry;
    this.onError = options.onError;
    this.exitTimeoutMs = options.exitTimeoutMs ?? 5_000;
    // The senders' timers do not keep a process alive; the exit hooks send what is left.
    if (options.flushOnExit ?? true) register(this);
  }

  get endpointId(): string | undefined {
    return this.target.endpoint;
  }

  get stats(): PredictionLoggerStats {
    return { ...this.counts, queued: this.predictions.queued, labelsQueued: this.labels.queued };
  }

  /** Queues one prediction. Returns false (and counts it) when it was dropped. Never throws. */
  log(input: PredictionInput): boolean {
    if (this.closed || this.predictions.queued >= this.maxQueue) {
      this.counts.dropped++;
      return false;
    }
    let wire: WirePrediction;
    try {
      wire = toWireEvent(input, this.target, Date.now());
    } catch (err) {
      this.reportLost(err);
      return false;
    }
    this.predictions.push(wire);
    return true;
  }

  /** Queues ground truth for the prediction logged with `requestId`. Returns false when dropped. */
  logLabel(requestId: string, label: OutputValue): boolean {
    if (this.closed || this.labels.queued >= this.maxQueue) {
      this.counts.labelsDropped++;
      return false;
    }
    this.labels.push(
      this.target.endpoint === undefined
        ? { requestId, label }
        : { requestId, label, endpoint: this.target.endpoint },
    );
    return true;
  }

  /** Stores training rows as the endpoint's reference (needs the logger to target an endpoint id). */
  registerReference(
    rows: Array<Record<string, unknown>>,
    columns?: ReferenceColumns,
  ): Promise<ReferenceInfo> {
    if (this.target.endpoint === undefined) {
      return Promise.reject(
        new DriftwatchError('registerReference needs a logger created with an endpoint id'),
      );
    }
    return putReferenceRows(this.transport, this.target.endpoint, rows, columns);
  }

  /** Resolves once everything queued so far has been sent or given up on. Never rejects. */
  async flush(): Promise<void> {
    while (this.hasWork()) {
      await this.predictions.flush();
      await this.labels.flush();
    }
  }

  /** Stops accepting events, sends what is queued and releases the timer and exit hooks. */
  async close(): Promise<void> {
    this.closed = true;
    this.predictions.close();
    this.labels.close();
    await this.flush();
    unregister(this);
  }

  /** @internal */
  hasWork(): boolean {
    return !this.predictions.idle || !this.labels.idle;
  }

  /** @internal Counts one event lost before it was queued (e.g. features that could not be read) and tells `onError`. */
  reportLost(err: unknown): void {
    this.counts.failed++;
    this.report(err, 1);
  }

  private report(err: unknown, lostEvents: number): void {
    const error = err instanceof Error ? err : new DriftwatchError(String(err));
    this.counts.errors++;
    this.counts.lastError = error;
    try {
      this.onError?.(error, lostEvents);
    } catch {
      // A failing callback must not stop the sender.
    }
  }

  private async sendPredictions(batch: WirePrediction[]): Promise<BatchOutcome> {
    let events = batch;
    for (let round = 0; ; round++) {
      try {
        await this.post<PredictionReceipt>('/api/v1/predictions', {
          batchId: randomUUID(),
          project: this.project,
          events,
        });
        this.counts.sent += events.length;
        return 'done';
      } catch (err) {
        // The server rejects a batch whole, naming the bad event: drop that one and resend the rest.
        const index = rejectedIndex(err);
        if (
          index !== undefined &&
          index < events.length &&
          events.length > 1 &&
          round < MAX_REJECTION_ROUNDS
        ) {
          this.reportLost(err);
          events = events.filter((_, i) => i !== index);
          continue;
        }
        this.counts.failed += events.length;
        this.report(err, events.length);
        return 'done';
      }
    }
  }

  /**
   * Both posts are safe to repeat, so broken connections are retried too: a prediction batch
   * carries its batch id, and the server counts a prediction's label once.
   */
  private post<T>(path: string, json: unknown): Promise<T> {
    return this.transport.requestJson<T>('POST', path, {
      json,
      idempotent: true,
      retry: this.retry,
      onRetry: () => this.counts.retries++,
    });
  }

  private async sendLabels(labels: WireLabel[]): Promise<BatchOutcome> {
    try {
      await this.post<LabelReceipt>('/api/v1/labels', labels);
      this.counts.labelsSent += labels.length;
    } catch (err) {
      this.counts.labelsFailed += labels.length;
      this.report(err, labels.length);
    }
    return 'done';
  }
}
