import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { QueryValue, Transport } from './transport';
import { NotFoundError } from './errors';
import type { ProfilingOptions } from './profiling';
import { Run } from './run';
import { timeParam } from './time';
import type { ExperimentInfo, RunInfo, RunSummary, StartedRunInfo, TrackingEvent } from './types';

export interface ExperimentOptions {
  /** `default` keeps every event, `profiling` also samples cpu/memory/load during runs, `notrack` keeps nothing. */
  provider?: 'default' | 'profiling' | 'notrack' | (string & {});
  /** Default: the client's project. */
  project?: string;
  /** How long a run buffers events before sending them, ms. Default 1000. */
  flushIntervalMs?: number;
  profiling?: ProfilingOptions;
}

/** omega-ml's filters. `run`: a number, -1 for the latest (-2 the one before), `'all'`, `'2-5'` or a list. */
export interface DataQuery {
  run?: number | string | number[];
  event?: string | string[];
  key?: string | string[];
  step?: number | number[];
  /** ISO time, epoch ms, a Date, or a duration ago such as `5h`. */
  since?: string | number | Date;
  end?: string | number | Date;
  /** Events per page (1..10,000). Default 1000. */
  pageSize?: number;
}

export interface ArtifactStream {
  body: Readable;
  contentType: string;
  size: number;
}

const list = (value: string | number | Array<string | number> | undefined): string | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value.join(',') : String(value);

/** A named experiment: runs, an append-only event log and artifacts. */
export class Experiment {
  readonly project: string;
  private readonly activeRuns = new Set<Run>();
  private latestRun: Run | undefined;

  constructor(
    readonly transport: Transport,
    defaultProject: string,
    readonly name: string,
    private readonly options: ExperimentOptions = {},
  ) {
    this.project = options.project ?? defaultProject;
  }

  /** The run most recently started through this handle, while it is running. */
  get currentRun(): Run | undefined {
    return this.latestRun && !this.latestRun.isStopped ? this.latestRun : undefined;
  }

  /**
   * Starts a run, passes it to `body`, then sends what was logged and stops the run, also when
   * `body` throws (its error is rethrown). Returns what `body` returns.
   */
  async run<T>(body: (run: Run) => T | Promise<T>): Promise<T> {
    const run = await this.start();
    let result: T;
    try {
      result = await body(run);
    } catch (err) {
      // The callback's error matters more than a failure to stop after it.
      await run.stop({ failed: err }).catch(() => undefined);
      throw err;
    }
    await run.stop();
    return result;
  }

  /** Starts a run explicitly (creating the experiment on first use); stop it with `run.stop()` or `exp.stop()`. */
  async start(): Promise<Run> {
    const requested = this.options.provider;
    const info = await this.transport.requestJson<StartedRunInfo>('POST', this.pathFor('/runs'), {
      query: this.projectQuery(),
      json: requested === undefined ? {} : { provider: requested },
      // A repeated start would allocate a second run: only failures before sending are retried.
      idempotent: false,
    });
    // The provider is fixed when an experiment is created; sample if it, or this handle, asks for profiling.
    const profiling =
      info.provider === 'profiling' || (requested === 'profiling' && info.provider !== 'notrack');
    const run = new Run(this, info, {
      flushIntervalMs: this.options.flushIntervalMs ?? 1_000,
      profiling: profiling ? (this.options.profiling ?? {}) : null,
    });
    this.activeRuns.add(run);
    this.latestRun = run;
    return run;
  }

  /** Stops the run started last through this handle, if it is still running. */
  async stop(): Promise<RunInfo | undefined> {
    return this.currentRun?.stop();
  }

  /**
   * Pages of events, oldest first, following the server's cursor:
   * `for await (const page of exp.data({run: -1, event: 'metric'})) ...`.
   * Events still buffered by this handle's runs are sent first.
   */
  async *data(query: DataQuery = {}): AsyncGenerator<TrackingEvent[], void, undefined> {
    await this.flushActiveRuns();
    let cursor: string | undefined;
    do {
      const page: { events: TrackingEvent[]; cursor: string | null } = await this.transport.requestJson(
        'GET',
        this.pathFor('/data'),
        {
          query: {
            ...this.projectQuery(),
            run: list(query.run),
            event: list(query.event),
            key: list(query.key),
            step: list(query.step),
            since: timeParam(query.since),
            end: timeParam(query.end),
            limit: query.pageSize,
            cursor,
          },
        },
      );
      if (page.events.length > 0) yield page.events;
      cursor = page.cursor ?? undefined;
    } while (cursor);
  }

  /** The same events as `data()`, one at a time. */
  async *events(query: DataQuery = {}): AsyncGenerator<TrackingEvent, void, undefined> {
    for await (const page of this.data(query)) yield* page;
  }

  /** Per run: last/min/max/count of each metric and the params. */
  async summary(run: number | string = 'all'): Promise<RunSummary[]> {
    await this.flushActiveRuns();
    const reply = await this.transport.requestJson<{ runs: RunSummary[] }>('GET', this.pathFor('/summary'), {
      query: { ...this.projectQuery(), run: String(run) },
    });
    return reply.runs;
  }

  info(): Promise<ExperimentInfo & { runs: RunInfo[] }> {
    return this.transport.requestJson('GET', this.pathFor(''), { query: this.projectQuery() });
  }

  /** Streams an artifact; without `run`, from the latest run that logged one by that name. */
  async openArtifact(name: string, options: { run?: number } = {}): Promise<ArtifactStream> {
    const response = await this.artifactResponse(name, options.run);
    if (!response.body) throw new Error(`artifact "${name}" came without a body`);
    return {
      body: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      size: Number(response.headers.get('content-length') ?? NaN),
    };
  }

  /** An artifact's bytes; without `run`, from the latest run that logged one by that name. */
  async restoreArtifact(name: string, options: { run?: number } = {}): Promise<Buffer> {
    const response = await this.artifactResponse(name, options.run);
    return Buffer.from(await response.arrayBuffer());
  }

  /** Deletes the experiment with every run, event and artifact. The server refuses unless `force` is true. */
  async clear(options: { force?: boolean } = {}): Promise<void> {
    await this.transport.requestJson('DELETE', this.pathFor(''), {
      query: { ...this.projectQuery(), force: options.force === true },
    });
    this.activeRuns.clear();
    this.latestRun = undefined;
  }

  /** @internal The API path of this experiment plus `suffix`. */
  pathFor(suffix: string): string {
    return `/api/v1/experiments/${encodeURIComponent(this.name)}${suffix}`;
  }

  /** @internal */
  projectQuery(): Record<string, QueryValue> {
    return { project: this.project };
  }

  /** @internal Called by a run once it has stopped. */
  forgetRun(run: Run): void {
    this.activeRuns.delete(run);
  }

  private async flushActiveRuns(): Promise<void> {
    await Promise.all([...this.activeRuns].map((run) => run.flush()));
  }

  /** The artifact's download (no timeout: artifacts can be large); without `run`, of the latest run that logged it. */
  private async artifactResponse(name: string, run?: number): Promise<Response> {
    const from = run ?? (await this.latestRunWithArtifact(name));
    return this.transport.request(
      'GET',
      this.pathFor(`/runs/${from}/artifacts/${encodeURIComponent(name)}`),
      {
        query: this.projectQuery(),
        timeoutMs: 0,
      },
    );
  }

  private async latestRunWithArtifact(name: string): Promise<number> {
    let latest: number | undefined;
    for await (const event of this.events({ event: 'artifact', key: name }))
      latest = Math.max(latest ?? 0, event.run);
    if (latest === undefined) {
      throw new NotFoundError({
        status: 404,
        method: 'GET',
        path: this.pathFor('/data'),
        serverMessage: `no run of experiment "${this.name}" has an artifact "${name}"`,
      });
    }
    return latest;
  }
}
