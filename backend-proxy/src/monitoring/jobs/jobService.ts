import { randomUUID } from 'node:crypto';
import { NotFoundError, UnprocessableError } from '../../errors';
import type { Logger } from '../../logger';
import { DocumentCollection, type TypedDocument } from '../../store/documentCollection';
import type { Store } from '../../store/types';
import type { EndpointService } from '../endpoints/endpointService';
import type { Monitor, MonitorService } from '../monitors/monitorService';
import { PeriodicTask } from '../periodicTask';
import { nextRun, parseSchedule, type Schedule } from './schedule';

/** A scheduled monitor run (omega-ml's `track(..., monitor=True, schedule=...)`), and its visible state. */
export interface MonitorJob {
  /** `monitors/<experiment>/<model>` */
  name: string;
  project: string;
  monitor: string;
  schedule: Schedule;
  enabled: boolean;
  createdAt: string;
  nextRunAt: string;
  lastRunAt: string | null;
  lastDurationMs: number | null;
  lastError: string | null;
  lastResult: { snapshots: number; drift: boolean | null; status: string | null; alerts: number } | null;
  runs: number;
  failures: number;
}

/** How long a replica may hold a job before another may take it over (it died mid-run). */
const LEASE_MS = 10 * 60_000;

const jobId = (project: string, name: string) => `${project}:${name}`;

/**
 * Runs monitor jobs inside the proxy. Every tick each due job is run by exactly one replica: a
 * lease in the store picks the runner, and the job's `nextRunAt` (written with compare-and-set)
 * tells a replica arriving later that this tick's run already happened.
 */
export class JobService {
  private readonly task: PeriodicTask<number>;
  private readonly jobs: DocumentCollection<MonitorJob>;
  readonly holder = randomUUID();

  constructor(
    private readonly store: Store,
    private readonly monitors: MonitorService,
    private readonly endpoints: EndpointService,
    private readonly logger: Logger,
    tickMs: number,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.jobs = new DocumentCollection<MonitorJob>(store, 'monitor-job');
    this.task = new PeriodicTask(tickMs, () => this.runDue());
  }

  /** Schedules the monitor's job, named after its experiment and the endpoint's model. */
  async track(monitor: Monitor, scheduleText: string): Promise<MonitorJob> {
    const schedule = parseSchedule(scheduleText);
    if (!monitor.endpointId)
      throw new UnprocessableError(`monitor "${monitor.name}" has no endpoint to track`);
    const endpoint = await this.endpoints.get(monitor.endpointId);
    const name = `monitors/${monitor.experiment}/${endpoint.model}`;
    const now = this.clock();
    const existing = await this.jobs.get(jobId(monitor.project, name));
    const previous = existing?.body;
    const job: MonitorJob = {
      name,
      project: monitor.project,
      monitor: monitor.name,
      schedule,
      enabled: true,
      createdAt: previous?.createdAt ?? now.toISOString(),
      nextRunAt: nextRun(schedule, now).toISOString(),
      lastRunAt: previous?.lastRunAt ?? null,
      lastDurationMs: previous?.lastDurationMs ?? null,
      lastError: previous?.lastError ?? null,
      lastResult: previous?.lastResult ?? null,
      runs: previous?.runs ?? 0,
      failures: previous?.failures ?? 0,
    };
    await this.write(job, existing?.version ?? 0);
    return job;
  }

  async list(projects?: string[]): Promise<MonitorJob[]> {
    return (await this.jobs.list({ projects })).map((d) => d.body);
  }

  async get(project: string, name: string): Promise<MonitorJob> {
    return (await this.require(project, name)).body;
  }

  async remove(project: string, name: string): Promise<void> {
    if (!(await this.jobs.delete(jobId(project, name))))
      throw new NotFoundError(`job "${name}" does not exist`);
  }

  /** Runs a job now, whatever its schedule (still one runner at a time). */
  async runNow(project: string, name: string): Promise<MonitorJob> {
    await this.require(project, name);
    return (await this.runIfDue(jobId(project, name), true)) ?? (await this.get(project, name));
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Runs every due job; one failing job never stops the others. Returns how many ran here. */
  tick(): Promise<number> {
    return this.task.run();
  }

  private async runDue(): Promise<number> {
    let ran = 0;
    try {
      const now = this.clock().getTime();
      for (const doc of await this.jobs.list()) {
        const job = doc.body;
        if (!job.enabled || Date.parse(job.nextRunAt) > now) continue;
        if (await this.runIfDue(doc.id, false)) ran += 1;
      }
    } catch (err) {
      this.logger.error({ err }, 'job tick failed');
    }
    return ran;
  }

  /** Takes the job's lease, re-checks it is due, runs it and records the outcome. Null when skipped. */
  private async runIfDue(id: string, force: boolean): Promise<MonitorJob | null> {
    const lease = `job:${id}`;
    if (!(await this.store.acquireLease(lease, this.holder, LEASE_MS, this.clock()))) return null;
    try {
      const doc = await this.jobs.get(id);
      if (!doc) return null;
      const job = doc.body;
      const started = this.clock();
      if (!force && Date.parse(job.nextRunAt) > started.getTime()) return null;
      let outcome: Pick<MonitorJob, 'lastError' | 'lastResult'>;
      try {
        outcome = { lastError: null, lastResult: await this.execute(job) };
      } catch (err) {
        outcome = { lastError: (err as Error).message, lastResult: job.lastResult };
        this.logger.warn(
          { job: job.name, err: (err as Error).message },
          'monitor job failed; retrying next tick',
        );
      }
      const finished = this.clock();
      const updated: MonitorJob = {
        ...job,
        ...outcome,
        lastRunAt: started.toISOString(),
        lastDurationMs: finished.getTime() - started.getTime(),
        runs: job.runs + 1,
        failures: job.failures + (outcome.lastError ? 1 : 0),
        // A failed run stays due, so the next tick retries it.
        nextRunAt: outcome.lastError ? job.nextRunAt : nextRun(job.schedule, finished).toISOString(),
      };
      await this.write(updated, doc.version);
      return updated;
    } finally {
      await this.store.releaseLease(lease, this.holder);
    }
  }

  private async execute(job: MonitorJob) {
    const monitor = await this.monitors.get(job.project, job.monitor);
    await this.monitors.snapshotEndpoint(monitor, { since: 'last' });
    const snapshots = (await this.monitors.snapshots(monitor)).length;
    if (snapshots < 2) return { snapshots, drift: null, status: null, alerts: 0 };
    const capture = await this.monitors.capture(monitor);
    return {
      snapshots,
      drift: capture.drift,
      status: capture.comparison.overall.status,
      alerts: capture.alerts.length,
    };
  }

  private async require(project: string, name: string): Promise<TypedDocument<MonitorJob>> {
    const doc = await this.jobs.get(jobId(project, name));
    if (!doc) throw new NotFoundError(`job "${name}" does not exist in project "${project}"`);
    return doc;
  }

  private async write(job: MonitorJob, version: number): Promise<void> {
    const id = jobId(job.project, job.name);
    if ((await this.jobs.put({ id, project: job.project, body: job }, version, this.clock())) === null) {
      // Someone changed the job meanwhile (e.g. a new schedule): keep theirs, add our run's outcome.
      const current = await this.jobs.get(id);
      if (!current) return;
      const theirs = current.body;
      const merged: MonitorJob = {
        ...theirs,
        lastRunAt: job.lastRunAt,
        lastDurationMs: job.lastDurationMs,
        lastError: job.lastError,
        lastResult: job.lastResult,
        runs: job.runs,
        failures: job.failures,
      };
      await this.jobs.put({ id, project: job.project, body: merged }, current.version, this.clock());
    }
  }
}
