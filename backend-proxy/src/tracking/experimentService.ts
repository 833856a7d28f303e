import type { Readable } from 'node:stream';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import type {
  ArtifactMeta,
  EventPage,
  ExperimentRecord,
  ExperimentRef,
  NewTrackingEvent,
  RunRecord,
  Store,
  TrackingEvent,
} from '../store/types';
import { getProvider, providerNames } from './providers';
import { resolveRunSelector } from './runSelector';

/** One event as a client sends it; the service fills in run, time and origin. */
/** The answer to appending events. */
export interface LogReceipt {
  accepted: number;
  /** Kept by the experiment's provider (e.g. `notrack` keeps none). */
  stored: number;
  /** True when this batch id was committed before: nothing was written again. */
  duplicate: boolean;
}

export interface EventInput {
  event: string;
  key: string;
  value: unknown;
  run?: number;
  step?: number;
  dt?: Date;
  name?: string;
  node?: string;
}

export interface Origin {
  node: string;
  userid: string;
}

export interface DataFilter {
  run?: string;
  events?: string[];
  keys?: string[];
  steps?: number[];
  since?: Date;
  end?: Date;
}

export interface RunSummary {
  run: number;
  status: RunRecord['status'];
  startedAt: Date;
  stoppedAt: Date | null;
  metrics: Record<string, { last: number; min: number; max: number; count: number; lastStep: number | null }>;
  params: Record<string, unknown>;
}

/** Kinds that only the run routes write. */
const RESERVED_EVENTS = new Set(['start', 'stop']);
const SUMMARY_PAGE = 5_000;

export class ExperimentService {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  list(projects?: string[]): Promise<ExperimentRecord[]> {
    return this.store.listExperiments({ projects });
  }

  async get(ref: ExperimentRef): Promise<ExperimentRecord & { runs: RunRecord[] }> {
    const experiment = await this.require(ref);
    return { ...experiment, runs: await this.store.listRuns(ref) };
  }

  /** Starts a run, creating the experiment with `provider` (default `default`) on first use. */
  async startRun(
    ref: ExperimentRef,
    provider: string | undefined,
    origin: Origin,
  ): Promise<{ experiment: ExperimentRecord; run: RunRecord }> {
    const name = provider ?? 'default';
    if (!getProvider(name)) {
      throw new InvalidInputError(`unknown tracking provider "${name}"`, { known: providerNames() });
    }
    const now = this.clock();
    const experiment = await this.store.ensureExperiment(ref, name, now);
    const run = await this.store.startRun(ref, now);
    await this.write(
      experiment,
      [{ event: 'start', key: 'run', value: { provider: experiment.provider }, run: run.run }],
      origin,
      now,
    );
    return { experiment: { ...experiment, runCount: run.run }, run };
  }

  /** Ends a run, as STOPPED or (when the client's work failed) FAILED with the error it reports. */
  async stopRun(
    ref: ExperimentRef,
    run: number,
    origin: Origin,
    outcome: { status?: 'STOPPED' | 'FAILED'; error?: string } = {},
  ): Promise<RunRecord> {
    const experiment = await this.require(ref);
    const now = this.clock();
    const status = outcome.status ?? 'STOPPED';
    const stopped = await this.store.stopRun(ref, run, now, status);
    if (!stopped) throw new NotFoundError(`run ${run} of experiment "${ref.name}" does not exist`);
    const value = outcome.error === undefined ? { status } : { status, error: outcome.error };
    await this.write(experiment, [{ event: 'stop', key: 'run', value, run }], origin, now);
    return stopped;
  }

  /**
   * Appends events (atomically, all or none) and says how many the provider kept. With a batch
   * id, a retry of a committed batch writes nothing and gets the first answer, marked duplicate.
   */
  async logEvents(
    ref: ExperimentRef,
    inputs: EventInput[],
    origin: Origin,
    batchId?: string,
  ): Promise<LogReceipt> {
    const reserved = inputs.findIndex((e) => RESERVED_EVENTS.has(e.event));
    if (reserved >= 0) {
      throw new InvalidInputError(
        `event ${reserved}: "${inputs[reserved].event}" events are written by the run routes`,
      );
    }
    const experiment = await this.require(ref);
    const runs = await this.store.listRuns(ref);
    const known = new Set(runs.map((r) => r.run));
    const latest = runs.at(-1)?.run;
    const unknown = inputs.findIndex((e) => e.run !== undefined && !known.has(e.run));
    if (unknown >= 0) throw new NotFoundError(`event ${unknown}: run ${inputs[unknown].run} does not exist`);
    if (latest === undefined && inputs.some((e) => e.run === undefined)) {
      throw new ConflictError(`experiment "${ref.name}" has no run yet: start one with POST .../runs`);
    }
    const now = this.clock();
    const kept = this.eventsToStore(
      experiment,
      inputs.map((e) => ({ ...e, run: e.run ?? (latest as number) })),
      origin,
      now,
    );
    const receipt: LogReceipt = { accepted: inputs.length, stored: kept.length, duplicate: false };
    if (batchId === undefined) {
      if (kept.length) await this.store.appendEvents(kept);
      return receipt;
    }
    const outcome = await this.store.appendEventsOnce(ref, kept, { batchId, receipt, now });
    return outcome.applied ? receipt : { ...(outcome.receipt as LogReceipt), duplicate: true };
  }

  async putArtifact(
    ref: ExperimentRef,
    run: number,
    artifact: string,
    contentType: string,
    body: Readable,
    origin: Origin,
  ): Promise<ArtifactMeta> {
    const experiment = await this.require(ref);
    if (!(await this.store.getRun(ref, run)))
      throw new NotFoundError(`run ${run} of experiment "${ref.name}" does not exist`);
    const now = this.clock();
    const meta = await this.store.putArtifact({ ...ref, run, artifact, contentType, createdAt: now }, body);
    await this.write(
      experiment,
      [
        {
          event: 'artifact',
          key: artifact,
          value: { contentType, size: meta.size, sha256: meta.sha256 },
          run,
        },
      ],
      origin,
      now,
    );
    return meta;
  }

  async openArtifact(
    ref: ExperimentRef,
    run: number,
    artifact: string,
  ): Promise<{ meta: ArtifactMeta; body: Readable }> {
    const meta = await this.store.getArtifactMeta(ref, run, artifact);
    if (!meta)
      throw new NotFoundError(
        `artifact "${artifact}" of run ${run} in experiment "${ref.name}" does not exist`,
      );
    return { meta, body: await this.store.openArtifact(meta) };
  }

  async queryData(
    ref: ExperimentRef,
    filter: DataFilter,
    page: { after?: string; limit: number },
  ): Promise<EventPage> {
    const runs = await this.selectRuns(ref, filter.run);
    if (runs !== undefined && runs.length === 0) return { events: [] };
    return this.store.queryEvents({ ...ref, ...filter, runs, after: page.after, limit: page.limit });
  }

  /**
   * Every matching event, page by page, for NDJSON export. The runs are resolved once: `run=-1`
   * keeps meaning the run that was latest when the export began, even if another starts meanwhile.
   */
  async *streamData(ref: ExperimentRef, filter: DataFilter, pageSize = 2_000): AsyncGenerator<TrackingEvent> {
    const runs = await this.selectRuns(ref, filter.run);
    if (runs !== undefined && runs.length === 0) return;
    let after: string | undefined;
    do {
      const page = await this.store.queryEvents({ ...ref, ...filter, runs, after, limit: pageSize });
      yield* page.events;
      after = page.next;
    } while (after);
  }

  /** Per run: last/min/max/count of each numeric metric, and the params (last value wins). */
  async summary(ref: ExperimentRef, run = 'all'): Promise<RunSummary[]> {
    const runs = await this.store.listRuns(ref);
    const chosen = resolveRunSelector(
      run,
      runs.map((r) => r.run),
    );
    const summaries = new Map<number, RunSummary>(
      runs
        .filter((r) => chosen === undefined || chosen.includes(r.run))
        .map((r) => [
          r.run,
          {
            run: r.run,
            status: r.status,
            startedAt: r.startedAt,
            stoppedAt: r.stoppedAt,
            metrics: {},
            params: {},
          },
        ]),
    );
    for await (const e of this.streamData(ref, { run, events: ['metric', 'param'] }, SUMMARY_PAGE)) {
      const summary = summaries.get(e.run);
      if (!summary) continue;
      if (e.event === 'param') {
        summary.params[e.key] = e.value;
      } else if (typeof e.value === 'number' && Number.isFinite(e.value)) {
        const m = summary.metrics[e.key];
        summary.metrics[e.key] = m
          ? {
              last: e.value,
              min: Math.min(m.min, e.value),
              max: Math.max(m.max, e.value),
              count: m.count + 1,
              lastStep: e.step,
            }
          : { last: e.value, min: e.value, max: e.value, count: 1, lastStep: e.step };
      }
    }
    return [...summaries.values()];
  }

  /** Deletes the experiment with all its runs, events and artifacts; refused unless forced. */
  async clear(ref: ExperimentRef, force: boolean): Promise<void> {
    await this.require(ref);
    if (!force) {
      throw new ConflictError(
        `experiment "${ref.name}" is append-only: clearing it deletes every run, event and artifact; repeat with force=true`,
      );
    }
    await this.store.deleteExperiment(ref);
  }

  private async require(ref: ExperimentRef): Promise<ExperimentRecord> {
    const experiment = await this.store.getExperiment(ref);
    if (!experiment)
      throw new NotFoundError(`experiment "${ref.name}" does not exist in project "${ref.project}"`);
    return experiment;
  }

  private async selectRuns(ref: ExperimentRef, selector: string | undefined): Promise<number[] | undefined> {
    await this.require(ref);
    if (selector === undefined) return undefined;
    const runs = await this.store.listRuns(ref);
    return resolveRunSelector(
      selector,
      runs.map((r) => r.run),
    );
  }

  private async write(
    experiment: ExperimentRecord,
    inputs: EventInput[],
    origin: Origin,
    now: Date,
  ): Promise<number> {
    const kept = this.eventsToStore(experiment, inputs, origin, now);
    return kept.length ? this.store.appendEvents(kept) : 0;
  }

  /** The events as stored, after the experiment's provider kept what it records. */
  private eventsToStore(
    experiment: ExperimentRecord,
    inputs: EventInput[],
    origin: Origin,
    now: Date,
  ): NewTrackingEvent[] {
    const provider = getProvider(experiment.provider);
    if (!provider)
      throw new ConflictError(
        `experiment "${experiment.name}" uses provider "${experiment.provider}", which is not installed`,
      );
    const events: NewTrackingEvent[] = inputs.map((e) => ({
      project: experiment.project,
      name: experiment.name,
      run: e.run as number,
      event: e.event,
      key: e.key,
      value: e.value,
      step: e.step ?? null,
      dt: e.dt ?? now,
      node: e.node ?? origin.node,
      userid: origin.userid,
      eventName: e.name ?? null,
    }));
    return provider.filter(events);
  }
}
