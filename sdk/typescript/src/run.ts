import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { QueryValue, RequestBody, Transport } from './transport';
import { BatchSender, type BatchOutcome } from './batchSender';
import { DriftwatchError, DriftwatchNetworkError, DriftwatchServerError } from './errors';
import { PROFILE_EVENT, Profiler, type ProfilingOptions } from './profiling';
import type { ArtifactInfo, JsonValue, LogReceipt, RunInfo, StartedRunInfo } from './types';

/** The server's limit of events per POST .../events. */
export const MAX_EVENTS_PER_REQUEST = 10_000;

export interface LogOptions {
  step?: number;
  /** When it happened; default: when the log call was made. */
  dt?: Date;
  /** Stored as the event's `eventName`. */
  name?: string;
}

/** Bytes, text, a stream (sent once, not retried) or a file (re-read on retry). */
export type ArtifactSource = Uint8Array | string | Readable | { path: string };

interface WireEvent {
  event: string;
  key: string;
  value: JsonValue;
  run: number;
  step?: number;
  dt: string;
  name?: string;
}

/**
 * Failures after which the batch is sent again at the next flush. Its idempotency key makes that
 * safe even when the server may have stored it (a broken connection): a repeat is applied once.
 */
function worthKeeping(err: unknown): boolean {
  if (err instanceof DriftwatchServerError) return err.status === 503;
  return err instanceof DriftwatchNetworkError;
}

/** What a run needs of the experiment that started it (Experiment is one). */
export interface RunOwner {
  readonly transport: Transport;
  readonly name: string;
  pathFor(suffix: string): string;
  projectQuery(): Record<string, QueryValue>;
  forgetRun(run: Run): void;
}

export interface RunOptions {
  flushIntervalMs: number;
  profiling: ProfilingOptions | null;
}

/**
 * One numbered run. Log calls are synchronous and buffered; the buffer is sent in batches in
 * the background (every `flushIntervalMs`, or at once when it holds a full request), and on
 * `flush()` / `stop()`. A failed background send is thrown by the next `flush()` or `stop()`.
 */
export class Run {
  readonly number: number;
  /** The experiment's provider as the server reports it. */
  readonly provider: string;
  readonly startedAt: string;
  private readonly batches: BatchSender<WireEvent>;
  /** The idempotency key of the batch being sent, kept with it until the server has answered it. */
  private batchKey: string | null = null;
  private failure: unknown = undefined;
  private profiler: Profiler | null = null;
  private stopped: RunInfo | null = null;
  private stopping = false;
  private stopCall: Promise<RunInfo> | null = null;

  constructor(
    readonly experiment: RunOwner,
    info: StartedRunInfo,
    options: RunOptions,
  ) {
    this.number = info.run;
    this.provider = info.provider;
    this.startedAt = info.startedAt;
    this.batches = new BatchSender({
      batchSize: MAX_EVENTS_PER_REQUEST,
      flushIntervalMs: options.flushIntervalMs,
      send: (events) => this.send(events),
    });
    if (options.profiling) {
      this.profiler = new Profiler((sample, step, at) => {
        for (const [key, value] of Object.entries(sample))
          this.enqueue(PROFILE_EVENT, key, value, { step, dt: at });
      }, options.profiling.intervalMs);
      this.profiler.start();
    }
  }

  get isStopped(): boolean {
    return this.stopping;
  }

  /** Numbers only; NaN and infinities are sent as text because JSON cannot carry them. */
  logMetric(key: string, value: number, options: LogOptions = {}): void {
    if (typeof value !== 'number')
      throw new TypeError(`metric "${key}" must be a number, got ${typeof value}`);
    this.enqueue('metric', key, Number.isFinite(value) ? value : String(value), options);
  }

  logParam(key: string, value: JsonValue, options: LogOptions = {}): void {
    this.enqueue('param', key, value, options);
  }

  logData(key: string, value: JsonValue, options: LogOptions = {}): void {
    this.enqueue('data', key, value, options);
  }

  /** Any other kind of event (`start` and `stop` are the server's own). */
  logEvent(event: string, key: string, value: JsonValue, options: LogOptions = {}): void {
    this.enqueue(event, key, value, options);
  }

  /** Uploads an artifact now (not buffered); the server records an `artifact` event with its size and hash. */
  async logArtifact(
    source: ArtifactSource,
    name: string,
    options: { contentType?: string } = {},
  ): Promise<ArtifactInfo> {
    this.assertOpen();
    let body: RequestBody;
    let contentType = options.contentType;
    if (typeof source === 'string') {
      body = Buffer.from(source, 'utf8');
      contentType ??= 'text/plain; charset=utf-8';
    } else if (source instanceof Uint8Array || source instanceof Readable) {
      body = source;
    } else {
      body = () => createReadStream(source.path);
    }
    const stored = await this.experiment.transport.requestJson<ArtifactInfo>(
      'PUT',
      this.experiment.pathFor(`/runs/${this.number}/artifacts/${encodeURIComponent(name)}`),
      { query: this.experiment.projectQuery(), body, contentType: contentType ?? 'application/octet-stream' },
    );
    // Never lose bytes silently: e.g. a server that parses JSON-typed bodies itself stores none of them.
    const sentBytes =
      body instanceof Uint8Array
        ? body.length
        : typeof source === 'object' && 'path' in source
          ? (await stat(source.path)).size
          : undefined;
    if (sentBytes !== undefined && stored.size !== sentBytes) {
      throw new DriftwatchError(
        `artifact "${name}": sent ${sentBytes} bytes but the server stored ${stored.size} (content type ${contentType ?? 'application/octet-stream'})`,
      );
    }
    return stored;
  }

  /** Sends everything buffered so far; throws the first failure since the last flush. */
  async flush(): Promise<void> {
    await this.batches.flush();
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
  }

  /**
   * Takes a last profile sample, sends the buffer and stops the run on the server. The run is
   * stopped even when sending fails; the send failure is thrown afterwards.
   */
  stop(outcome: { failed?: unknown } = {}): Promise<RunInfo> {
    this.stopCall ??= this.stopOnce(outcome).catch((err: unknown) => {
      // A failed stop request may be tried again; after a failed flush the run is stopped all the same.
      this.stopCall = this.stopped ? Promise.resolve(this.stopped) : null;
      throw err;
    });
    return this.stopCall;
  }

  /** A run whose work threw is stopped as FAILED with the error's message. */
  private async stopOnce(outcome: { failed?: unknown }): Promise<RunInfo> {
    this.profiler?.stop();
    this.stopping = true;
    this.batches.close();
    const flushFailure = await this.flush().then(
      () => undefined,
      (err: unknown) => err,
    );
    this.stopped = await this.experiment.transport.requestJson<RunInfo>(
      'POST',
      this.experiment.pathFor(`/runs/${this.number}/stop`),
      {
        query: this.experiment.projectQuery(),
        json:
          'failed' in outcome
            ? {
                status: 'FAILED',
                error: String(
                  outcome.failed instanceof Error ? outcome.failed.message : outcome.failed,
                ).slice(0, 10_000),
              }
            : undefined,
        // Stopping a stopped run leaves it stopped: safe to repeat.
        idempotent: true,
      },
    );
    this.experiment.forgetRun(this);
    if (flushFailure !== undefined) throw flushFailure;
    return this.stopped;
  }

  private assertOpen(): void {
    if (this.stopping)
      throw new DriftwatchError(`run ${this.number} of experiment "${this.experiment.name}" is stopped`);
  }

  private enqueue(event: string, key: string, value: JsonValue, options: LogOptions): void {
    this.assertOpen();
    const wire: WireEvent = {
      event,
      key,
      value: value === undefined ? null : value,
      run: this.number,
      dt: (options.dt ?? new Date()).toISOString(),
    };
    if (options.step !== undefined) wire.step = options.step;
    if (options.name !== undefined) wire.name = options.name;
    this.batches.push(wire);
  }

  private async send(events: WireEvent[]): Promise<BatchOutcome> {
    this.batchKey ??= randomUUID();
    try {
      await this.experiment.transport.requestJson<LogReceipt>('POST', this.experiment.pathFor('/events'), {
        query: this.experiment.projectQuery(),
        // A bare array: the server's errors then name the bad field (body.3.key).
        json: events,
        headers: { 'idempotency-key': this.batchKey },
        idempotent: true,
      });
    } catch (err) {
      this.failure ??= err;
      // Keep a batch that failed for a passing reason, to send it again (same key) on the next flush; drop a refused one.
      if (worthKeeping(err)) return 'keep';
    }
    this.batchKey = null;
    return 'done';
  }
}
