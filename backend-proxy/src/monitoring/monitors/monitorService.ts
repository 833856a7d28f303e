import { ConflictError, InvalidInputError, NotFoundError, UnprocessableError } from '../../errors';
import { DocumentCollection } from '../../store/documentCollection';
import type { EndpointRecord, ExperimentRef, Store } from '../../store/types';
import type { ExperimentService, Origin } from '../../tracking/experimentService';
import { readWindow } from '../aggregates/layout';
import { holds } from '../alerts/alertRules';
import { DRIFT_STATUS_LEVEL, isDriftStatus } from '../drift/driftStatus';
import type { DriftPolicyConfig } from '../drift/policy/policyConfig';
import { overallDrift, type OverallDrift } from '../analysis/driftService';
import { columnDrift, windowSummary, type ColumnDrift } from '../analysis/columnDrift';
import type { EndpointService } from '../endpoints/endpointService';
import { computeReference, inferKind, type Row } from '../reference/computeReference';
import type { ReferenceService } from '../reference/referenceService';
import type { ReferenceStatistics } from '../reference/types';
import type { WindowService } from '../windows/windowService';
import { binsOf, columnAsStatistics, countRows, type Snapshot, type SnapshotColumn } from './snapshot';

/**
 * omega-ml's monitors, done right: a DataDriftMonitor watches an endpoint's inputs P(X), a
 * ModelDriftMonitor its predictions and labels P(Y|X). Snapshots, drift and alerts are appended
 * as events to the monitor's experiment.
 */
export type MonitorKind = 'data' | 'model';

export type Comparison = '>' | '>=' | '<' | '<=';
export interface MonitorAlertCondition {
  measure: 'status' | 'tvd_mean' | 'hellinger_mean' | 'kld_mean' | 'drifted_share' | 'accuracy_drop';
  comparison: Comparison;
  threshold: number;
}

export interface Monitor {
  name: string;
  project: string;
  kind: MonitorKind;
  experiment: string;
  endpointId: string | null;
  alerts: MonitorAlertCondition[];
  createdAt: string;
}

export interface MonitorComparison {
  baseline: { index: number; takenAt: string };
  recent: { index: number; takenAt: string };
  columns: ColumnDrift[];
  overall: OverallDrift;
  accuracy: { baseline: number | null; recent: number | null } | null;
}

export interface CaptureResult {
  comparison: MonitorComparison;
  drift: boolean;
  alerts: Array<MonitorAlertCondition & { value: number }>;
}

export const monitorId = (project: string, name: string): string => `${project}/${name}`;

export class MonitorService {
  private readonly monitors: DocumentCollection<Monitor>;

  constructor(
    private readonly store: Store,
    private readonly experiments: ExperimentService,
    private readonly endpoints: EndpointService,
    private readonly references: ReferenceService,
    private readonly windows: WindowService,
    private readonly origin: Origin = { node: 'driftwatch', userid: 'monitor' },
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.monitors = new DocumentCollection<Monitor>(store, 'monitor');
  }

  /** `authorize` sees the project of the endpoint the monitor will read (it throws to refuse). */
  async save(spec: Omit<Monitor, 'createdAt'>, authorize: (project: string) => void): Promise<Monitor> {
    if (spec.endpointId) authorize((await this.endpoints.get(spec.endpointId)).project);
    const id = monitorId(spec.project, spec.name);
    const existing = await this.monitors.get(id);
    const monitor: Monitor = {
      ...spec,
      createdAt: existing ? existing.body.createdAt : this.clock().toISOString(),
    };
    const written = await this.monitors.put(
      { id, project: spec.project, body: monitor },
      existing?.version ?? 0,
      this.clock(),
    );
    if (written === null) throw new ConflictError(`monitor "${spec.name}" was changed concurrently; retry`);
    return monitor;
  }

  async get(project: string, name: string): Promise<Monitor> {
    const doc = await this.monitors.get(monitorId(project, name));
    if (!doc) throw new NotFoundError(`monitor "${name}" does not exist in project "${project}"`);
    return doc.body;
  }

  async list(projects?: string[]): Promise<Monitor[]> {
    return (await this.monitors.list({ projects })).map((d) => d.body);
  }

  async remove(project: string, name: string): Promise<void> {
    if (!(await this.monitors.delete(monitorId(project, name)))) {
      throw new NotFoundError(`monitor "${name}" does not exist in project "${project}"`);
    }
  }

  /** Every snapshot of the monitor, oldest first. */
  async snapshots(monitor: Monitor): Promise<Snapshot[]> {
    const ref = this.experimentRef(monitor);
    if (!(await this.store.getExperiment(ref))) return [];
    const out: Snapshot[] = [];
    for await (const e of this.experiments.streamData(ref, { events: ['snapshot'], keys: [monitor.name] })) {
      // Batch reports (/api/v1/reports) are snapshots too, of another shape.
      if ((e.value as { kind?: string }).kind !== 'report') out.push(e.value as Snapshot);
    }
    return out;
  }

  /**
   * Snapshot of the endpoint's window [from, to) (`since: 'last'` starts where the previous
   * snapshot ended), counted on its reference's bins, from aggregates only.
   */
  async snapshotEndpoint(
    monitor: Monitor,
    window: { since?: 'last'; from?: number; to?: number },
  ): Promise<Snapshot> {
    if (!monitor.endpointId)
      throw new UnprocessableError(`monitor "${monitor.name}" has no endpoint: snapshot a dataset instead`);
    const endpoint = await this.endpoints.get(monitor.endpointId);
    if (endpoint.referenceVersion === 0)
      throw new UnprocessableError(`endpoint ${endpoint.id} has no reference: its bins are unknown`);
    const to = window.to ?? this.clock().getTime();
    let from = window.from ?? to - 3_600_000;
    if (window.since === 'last') {
      const previous = (await this.snapshots(monitor)).filter((s) => s.source.kind === 'endpoint').at(-1);
      if (previous?.source.to) from = previous.source.to;
    }
    if (from >= to) throw new InvalidInputError('the snapshot window is empty: "from" must be before "to"');
    const binning = await this.references.binningFor(endpoint);
    const counters = await this.windows.counters(endpoint.id, from, to, {
      families: ['ops', 'columns'],
      referenceVersion: endpoint.referenceVersion,
    });
    const stats = readWindow(counters, binning);
    const reference = (await this.references.get(endpoint.id)).statistics as ReferenceStatistics;
    const withBins = (
      windows: typeof stats.features,
      statistics: ReferenceStatistics['features'],
    ): SnapshotColumn[] =>
      windows.flatMap((w) => {
        const s = statistics.find((c) => c.name === w.name);
        return s ? [{ ...w, bins: binsOf(s) }] : [];
      });
    const columns =
      monitor.kind === 'data'
        ? withBins(stats.features, reference.features)
        : [...withBins(stats.outputs, reference.predictions), ...withBins(stats.labels, reference.labels)];
    return this.record(monitor, {
      monitor: monitor.name,
      kind: monitor.kind,
      takenAt: this.clock().toISOString(),
      source: {
        kind: 'endpoint',
        endpointId: endpoint.id,
        from,
        to,
        referenceVersion: endpoint.referenceVersion,
      },
      rows: stats.predictions,
      columns,
      agreement: monitor.kind === 'model' ? stats.agreement : null,
    });
  }

  /**
   * Snapshot of a dataset (rows). Bins come from the endpoint's reference when the monitor has one,
   * else from the monitor's first snapshot; the very first dataset snapshot defines them.
   */
  async snapshotRows(monitor: Monitor, rows: Row[]): Promise<Snapshot> {
    if (rows.length === 0) throw new UnprocessableError('the dataset has no rows');
    const bins = await this.binsFor(monitor, rows);
    const columns = countRows(
      rows,
      bins.map((b) => ({ spec: { name: b.name, kind: b.kind }, bins: b })),
    );
    return this.record(monitor, {
      monitor: monitor.name,
      kind: monitor.kind,
      takenAt: this.clock().toISOString(),
      source: {
        kind: 'dataset',
        endpointId: monitor.endpointId,
        from: null,
        to: null,
        referenceVersion: null,
      },
      rows: rows.length,
      columns,
      agreement: null,
    });
  }

  /** Drift of snapshot `recent` against snapshot `baseline` (indices; negative counts from the end). */
  async compare(
    monitor: Monitor,
    pick: { baseline?: number; recent?: number } = {},
  ): Promise<MonitorComparison> {
    const all = await this.snapshots(monitor);
    if (all.length < 2)
      throw new UnprocessableError(
        `monitor "${monitor.name}" needs two snapshots to compare, it has ${all.length}`,
      );
    const index = (i: number) => (i < 0 ? all.length + i : i);
    const [b, r] = [index(pick.baseline ?? 0), index(pick.recent ?? -1)];
    if (!all[b] || !all[r])
      throw new InvalidInputError(`snapshot index out of range: there are ${all.length}`);
    return this.compareSnapshots(await this.policyOf(monitor), monitor, all[b], b, all[r], r);
  }

  /** Every snapshot after the baseline compared with it, for a drift-over-time view. */
  async series(monitor: Monitor): Promise<Array<{ index: number; takenAt: string; overall: OverallDrift }>> {
    const all = await this.snapshots(monitor);
    const out: Array<{ index: number; takenAt: string; overall: OverallDrift }> = [];
    const policy = await this.policyOf(monitor);
    for (let i = 1; i < all.length; i++) {
      const c = this.compareSnapshots(policy, monitor, all[0], 0, all[i], i);
      out.push({ index: i, takenAt: all[i].takenAt, overall: c.overall });
    }
    return out;
  }

  /** Compares the latest snapshot with the baseline; logs `drift` when drift is found and `alert` per matched condition. */
  async capture(monitor: Monitor): Promise<CaptureResult> {
    const comparison = await this.compare(monitor);
    const o = comparison.overall;
    const values: Record<MonitorAlertCondition['measure'], number> = {
      status: DRIFT_STATUS_LEVEL[o.status],
      tvd_mean: o.tvdMean ?? Number.NaN,
      hellinger_mean: o.hellingerMean ?? Number.NaN,
      kld_mean: o.kldMean ?? Number.NaN,
      drifted_share: o.driftedShare ?? Number.NaN,
      accuracy_drop:
        comparison.accuracy?.baseline != null && comparison.accuracy.recent != null
          ? comparison.accuracy.baseline - comparison.accuracy.recent
          : Number.NaN,
    };
    const drift = isDriftStatus(o.status);
    const alerts = monitor.alerts
      .filter((a) => holds(values[a.measure], a.comparison, a.threshold))
      .map((a) => ({ ...a, value: values[a.measure] }));
    const summary = {
      baseline: comparison.baseline,
      recent: comparison.recent,
      overall: o,
      accuracy: comparison.accuracy,
    };
    const events = [
      ...(drift ? [{ event: 'drift', key: monitor.name, value: summary }] : []),
      ...alerts.map((a) => ({ event: 'alert', key: monitor.name, value: { condition: a, ...summary } })),
    ];
    if (events.length) await this.log(monitor, events);
    return { comparison, drift, alerts };
  }

  /** The watched endpoint's drift policy, or its project's for a monitor of datasets. */
  private async policyOf(monitor: Monitor): Promise<DriftPolicyConfig> {
    return monitor.endpointId
      ? this.endpoints.policyFor(await this.endpoints.get(monitor.endpointId))
      : this.endpoints.projectPolicy(monitor.project);
  }

  private compareSnapshots(
    policy: DriftPolicyConfig,
    monitor: Monitor,
    baseline: Snapshot,
    b: number,
    recent: Snapshot,
    r: number,
  ): MonitorComparison {
    const columns: ColumnDrift[] = [];
    for (const base of baseline.columns) {
      const current = recent.columns.find((c) => c.name === base.name);
      if (!current || JSON.stringify(current.bins) !== JSON.stringify(base.bins)) continue;
      columns.push(
        columnDrift(columnAsStatistics(base), current, {
          summary: windowSummary(base),
          histogram: base.histogram ?? [],
        }),
      );
    }
    if (columns.length === 0)
      throw new UnprocessableError('the two snapshots share no column counted on the same bins');
    const accuracyOf = (s: Snapshot) =>
      s.agreement && s.agreement.count > 0 && s.agreement.confusion
        ? s.agreement.correct / s.agreement.count
        : null;
    return {
      baseline: { index: b, takenAt: baseline.takenAt },
      recent: { index: r, takenAt: recent.takenAt },
      columns,
      overall: overallDrift(
        columns,
        [],
        Math.max(0, ...columns.map((c) => c.actual.count + c.actual.missing)),
        policy,
      ),
      accuracy:
        monitor.kind === 'model' ? { baseline: accuracyOf(baseline), recent: accuracyOf(recent) } : null,
    };
  }

  private async binsFor(monitor: Monitor, rows: Row[]) {
    if (monitor.endpointId) {
      const endpoint: EndpointRecord = await this.endpoints.get(monitor.endpointId);
      if (endpoint.referenceVersion > 0) {
        const reference = (await this.references.get(endpoint.id)).statistics as ReferenceStatistics;
        return monitor.kind === 'data' ? reference.features : [...reference.predictions, ...reference.labels];
      }
    }
    const first = (await this.snapshots(monitor))[0];
    if (first) return first.columns.map(columnAsStatistics);
    const columns = Object.keys(rows[0]).map((name) => ({ name, kind: inferKind(rows, name) }));
    return computeReference(rows, { features: columns, predictions: [], labels: [] }).features;
  }

  private experimentRef(monitor: Monitor): ExperimentRef {
    return { project: monitor.project, name: monitor.experiment };
  }

  private async record(monitor: Monitor, snapshot: Snapshot): Promise<Snapshot> {
    await this.log(monitor, [{ event: 'snapshot', key: monitor.name, value: snapshot }]);
    return snapshot;
  }

  /** Appends to the experiment's latest run, starting one (and the experiment) on first use. */
  private async log(
    monitor: Monitor,
    events: Array<{ event: string; key: string; value: unknown }>,
  ): Promise<void> {
    const ref = this.experimentRef(monitor);
    const existing = await this.store.getExperiment(ref);
    if (!existing || existing.runCount === 0) await this.experiments.startRun(ref, undefined, this.origin);
    await this.experiments.logEvents(ref, events, this.origin);
  }
}
