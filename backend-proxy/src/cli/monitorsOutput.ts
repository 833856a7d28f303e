/** What `driftwatch monitors ...` prints without --json: the API's answers as tables. */
import type { MonitorJob } from '../monitoring/jobs/jobService';
import type { CaptureResult, Monitor, MonitorComparison } from '../monitoring/monitors/monitorService';
import { formatFields, formatTable } from './table';

export function monitorsText(monitors: Monitor[]): string {
  return formatTable(
    ['NAME', 'PROJECT', 'KIND', 'EXPERIMENT', 'ENDPOINT', 'ALERTS', 'CREATED'],
    monitors.map((m) => [
      m.name,
      m.project,
      m.kind,
      m.experiment,
      m.endpointId,
      m.alerts.length,
      m.createdAt,
    ]),
    '(no monitors)',
  );
}

/** The parts of a snapshot (POST .../snapshot) the table shows. */
export interface Snapshot {
  monitor: string;
  takenAt: string;
  rows: number;
  columns: unknown[];
  source: { kind: string };
}

/** POST .../compare with series: every snapshot against the baseline. */
export interface Series {
  series: Array<{ index: number; takenAt: string; overall: MonitorComparison['overall'] }>;
}

export function snapshotText(s: Snapshot): string {
  return formatFields([
    ['monitor', s.monitor],
    ['taken at', s.takenAt],
    ['source', s.source.kind],
    ['rows', s.rows],
    ['columns', s.columns.length],
  ]);
}

export function comparisonText(c: MonitorComparison): string {
  const head = formatFields([
    ['baseline', `#${c.baseline.index} (${c.baseline.takenAt})`],
    ['recent', `#${c.recent.index} (${c.recent.takenAt})`],
    ['status', c.overall.status],
    ['drifted', `${c.overall.driftedFeatures} (share ${c.overall.driftedShare ?? '-'})`],
    ['tvd mean', c.overall.tvdMean],
    ['hellinger mean', c.overall.hellingerMean],
    ...(c.accuracy
      ? ([['accuracy', `${c.accuracy.baseline ?? '-'} -> ${c.accuracy.recent ?? '-'}`]] as Array<
          [string, unknown]
        >)
      : []),
  ]);
  const columns = formatTable(
    [
      'COLUMN',
      'KIND',
      'STATUS',
      'MEASURE',
      'VALUE',
      'THRESHOLD',
      'TVD',
      'HELLINGER',
      'EXPECTED MEAN',
      'ACTUAL MEAN',
    ],
    c.columns.map((col) => [
      col.name,
      col.kind,
      col.decision?.status ?? null,
      col.decision?.measure ?? null,
      col.decision?.value ?? null,
      col.decision?.threshold ?? null,
      col.measures.tvd?.value ?? null,
      col.measures.hellinger?.value ?? null,
      col.expected.mean,
      col.actual.mean,
    ]),
  );
  return `${head}\n${columns}`;
}

export function seriesText(s: Series): string {
  return formatTable(
    ['SNAPSHOT', 'TAKEN AT', 'STATUS', 'DRIFTED', 'DRIFTED SHARE', 'TVD MEAN', 'HELLINGER MEAN'],
    s.series.map((p) => [
      p.index,
      p.takenAt,
      p.overall.status,
      p.overall.driftedFeatures,
      p.overall.driftedShare,
      p.overall.tvdMean,
      p.overall.hellingerMean,
    ]),
    '(no snapshots to compare)',
  );
}

export function captureText(r: CaptureResult): string {
  const alerts = formatTable(
    ['ALERT', 'COMPARISON', 'THRESHOLD', 'VALUE'],
    r.alerts.map((a) => [a.measure, a.comparison, a.threshold, a.value]),
    '(no alert conditions met)',
  );
  return `${comparisonText(r.comparison)}\ndrift: ${r.drift ? 'yes (exit status 1)' : 'no'}\n${alerts}`;
}

export function jobText(j: MonitorJob): string {
  return formatFields([
    ['job', j.name],
    ['monitor', j.monitor],
    ['schedule', j.schedule.text],
    ['enabled', j.enabled],
    ['next run', j.nextRunAt],
  ]);
}

export function jobsText(jobs: MonitorJob[]): string {
  return formatTable(
    [
      'JOB',
      'MONITOR',
      'SCHEDULE',
      'ENABLED',
      'NEXT RUN',
      'LAST RUN',
      'LAST STATUS',
      'RUNS',
      'FAILURES',
      'LAST ERROR',
    ],
    jobs.map((j) => [
      j.name,
      j.monitor,
      j.schedule.text,
      j.enabled,
      j.nextRunAt,
      j.lastRunAt,
      j.lastResult?.status ?? null,
      j.runs,
      j.failures,
      j.lastError,
    ]),
    '(no jobs)',
  );
}
