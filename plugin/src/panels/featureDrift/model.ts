/**
 * Reads the frames of the Driftwatch queries into one row per feature:
 * - tables with a `feature_name` field (`individual_feature_analysis`: expected/actual
 *   min/mean/max, tvd, hellinger, kld; `feature_drift`: every measure, the policy's `drift_status`
 *   and its `why`;
 *   `data_quality`), merged by feature name;
 * - pre-bucketed histogram frames (`feature_histogram`: `xMin`, `xMax`, `expected`, `actual`
 *   shares and `bin` labels), one per feature, named after it.
 * Any other numeric field of a feature table is a measure, so new measures show without a change here.
 * Asked for several segments of a key, tables carry a `segment` column and histogram frames a
 * `segment` label on their fields: then there is one row per segment and feature.
 */
import { FieldType, type DataFrame, type Field } from '@grafana/data';
import { MEASURE_FIELDS } from '@driftwatch/backend-proxy/drift-metrics';
import { DRIFT_STATUSES } from '@driftwatch/backend-proxy/drift-status';
import type { Bin, DriftStatus, FeatureModel, FeatureRow, Stats } from './types';

/** Feature-table fields that are not measures. */
const NOT_MEASURES = new Set([
  'feature_name',
  'segment',
  'column',
  'kind',
  'count',
  'drift_status',
  'actual_min',
  'actual_mean',
  'actual_max',
  'expected_min',
  'expected_mean',
  'expected_max',
  'missing',
  'missing_share',
  'out_of_range_share',
  // feature_drift's policy decision: shown through the status and its `why`, not as measures.
  'n_reference',
  'policy_measure',
  'policy_value',
  'policy_threshold',
  'policy_p_value',
  'why',
]);

/** Severity for sorting: detected > possible > none > unknown. */
const STATUS_RANK: Record<DriftStatus, number> = {
  DRIFT_DETECTED: 4,
  POSSIBLE_DRIFT: 3,
  NO_DRIFT: 2,
  INSUFFICIENT_DATA: 1,
  UNKNOWN: 0,
};

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const fieldOf = (frame: DataFrame, name: string): Field | undefined =>
  frame.fields.find((f) => f.name === name);
const valueAt = (field: Field | undefined, i: number): unknown => (field ? field.values[i] : undefined);

function emptyStats(): Stats {
  return { min: null, mean: null, max: null };
}

/** A row's key: the feature alone, or feature and segment. */
const rowId = (name: string, segment: string | undefined) =>
  segment === undefined ? name : `${name} · ${segment}`;

function newRow(name: string, segment: string | undefined): FeatureRow {
  return {
    id: rowId(name, segment),
    name,
    ...(segment === undefined ? {} : { segment }),
    column: 'feature',
    expected: emptyStats(),
    actual: emptyStats(),
    measures: {},
    status: 'UNKNOWN',
    statusSource: 'none',
    bins: [],
    shift: null,
  };
}

function isHistogramFrame(frame: DataFrame): boolean {
  return ['xMin', 'xMax', 'expected', 'actual'].every((n) => fieldOf(frame, n) !== undefined);
}

function isFeatureTable(frame: DataFrame): boolean {
  return fieldOf(frame, 'feature_name') !== undefined;
}

/** The feature a histogram frame describes: meta.custom.feature (the proxy's hint), else the frame's name. */
function histogramFeature(frame: DataFrame): string | undefined {
  const custom = frame.meta?.custom as { feature?: unknown } | undefined;
  if (custom && typeof custom.feature === 'string') return custom.feature;
  return frame.name;
}

/** The segment a histogram frame describes, when the query spanned several: its fields' `segment` label. */
function histogramSegment(frame: DataFrame): string | undefined {
  return frame.fields.map((f) => f.labels?.segment).find((v) => v !== undefined && v !== '');
}

const asSegment = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

function formatEdge(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}

function readBins(frame: DataFrame): Bin[] {
  const xMin = fieldOf(frame, 'xMin');
  const xMax = fieldOf(frame, 'xMax');
  const expected = fieldOf(frame, 'expected');
  const actual = fieldOf(frame, 'actual');
  const labels = fieldOf(frame, 'bin');
  const custom = frame.meta?.custom as { topBins?: unknown } | undefined;
  const topBins = new Set(Array.isArray(custom?.topBins) ? custom.topBins : []);
  const bins: Bin[] = [];
  const length = Math.max(frame.length ?? 0, xMin?.values.length ?? 0);
  for (let i = 0; i < length; i++) {
    const lo = num(valueAt(xMin, i));
    const hi = num(valueAt(xMax, i));
    const label = valueAt(labels, i);
    bins.push({
      label:
        typeof label === 'string' && label !== ''
          ? label
          : lo !== null && hi !== null
            ? `${formatEdge(lo)} – ${formatEdge(hi)}`
            : `bin ${i + 1}`,
      expected: num(valueAt(expected, i)),
      actual: num(valueAt(actual, i)),
      ...(topBins.has(i) ? { top: true } : {}),
    });
  }
  return bins;
}

/** Largest absolute difference of shares over the bins, or null without both sides. */
export function binShift(bins: Bin[]): number | null {
  let shift: number | null = null;
  for (const b of bins) {
    if (b.expected === null || b.actual === null) continue;
    shift = Math.max(shift ?? 0, Math.abs(b.actual - b.expected));
  }
  return shift;
}

export function buildModel(
  frames: DataFrame[],
  options: { showPredictions?: boolean; measures?: string } = {},
): FeatureModel {
  const rows = new Map<string, FeatureRow>();
  const measureNames: string[] = [];
  let hasStats = false;
  let hasHistograms = false;
  const rowFor = (name: string, segment: string | undefined) => {
    const id = rowId(name, segment);
    let row = rows.get(id);
    if (!row) {
      row = newRow(name, segment);
      rows.set(id, row);
    }
    return row;
  };

  for (const frame of frames) {
    if (isHistogramFrame(frame)) {
      const name = histogramFeature(frame);
      if (!name) continue;
      const row = rowFor(name, histogramSegment(frame));
      row.bins = readBins(frame);
      row.shift = binShift(row.bins);
      hasHistograms = true;
      continue;
    }
    if (!isFeatureTable(frame)) continue;
    const names = fieldOf(frame, 'feature_name') as Field;
    const segments = fieldOf(frame, 'segment');
    const length = names.values.length;
    for (let i = 0; i < length; i++) {
      const name = valueAt(names, i);
      if (typeof name !== 'string' || name === '') continue;
      const row = rowFor(name, asSegment(valueAt(segments, i)));
      for (const field of frame.fields) {
        const value = field.values[i];
        switch (field.name) {
          case 'feature_name':
          case 'segment':
            break;
          case 'column':
            if (typeof value === 'string' && value !== '') row.column = value;
            break;
          case 'kind':
            if (typeof value === 'string') row.kind = value;
            break;
          case 'count':
            row.count = num(value);
            break;
          case 'drift_status':
            if (typeof value === 'string' && (DRIFT_STATUSES as readonly string[]).includes(value)) {
              row.status = value as DriftStatus;
              row.statusSource = 'proxy';
            }
            break;
          case 'why':
            if (typeof value === 'string' && value !== '') row.why = value;
            break;
          case 'actual_min':
          case 'actual_mean':
          case 'actual_max':
          case 'expected_min':
          case 'expected_mean':
          case 'expected_max': {
            const [side, stat] = field.name.split('_') as ['actual' | 'expected', keyof Stats];
            const v = num(value);
            // Two tables may both carry min/max (feature analysis and data quality): keep a value over a gap.
            if (v !== null) row[side][stat] = v;
            hasStats = true;
            break;
          }
          default:
            if (NOT_MEASURES.has(field.name) || field.type !== FieldType.number) break;
            if (!measureNames.includes(field.name)) measureNames.push(field.name);
            // feature_drift and individual_feature_analysis agree on shared measures; keep a value over a gap.
            if (num(value) !== null || !(field.name in row.measures)) row.measures[field.name] = num(value);
        }
      }
    }
  }

  const wanted = (options.measures ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  const ordered = [
    // Measures first in the catalogue's order when present; others follow as the queries list them.
    ...MEASURE_FIELDS.filter((m) => measureNames.includes(m)),
    ...measureNames.filter((m) => !MEASURE_FIELDS.includes(m)),
  ];
  const measures = wanted.length ? ordered.filter((m) => wanted.includes(m)) : ordered;
  const all = [...rows.values()].filter(
    (r) => options.showPredictions !== false || r.column !== 'prediction',
  );
  return { rows: all, measures, hasStats, hasHistograms };
}

/** The value a column sorts by. */
export function sortValue(row: FeatureRow, key: string): number | string | null {
  if (key === 'name') return row.name;
  if (key === 'status') return STATUS_RANK[row.status];
  if (key === 'shift') return row.shift;
  const stat = /^(expected|actual)_(min|mean|max)$/.exec(key);
  if (stat) return row[stat[1] as 'expected' | 'actual'][stat[2] as keyof Stats];
  return row.measures[key] ?? null;
}

/** Sorted copy; rows without a value go last whichever the direction, ties by name (then segment). */
export function sortRows(rows: FeatureRow[], key: string, direction: 'asc' | 'desc'): FeatureRow[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === null && vb === null) return a.id.localeCompare(b.id);
    if (va === null) return 1;
    if (vb === null) return -1;
    const c =
      typeof va === 'string' || typeof vb === 'string' ? String(va).localeCompare(String(vb)) : va - vb;
    return c !== 0 ? sign * c : a.id.localeCompare(b.id);
  });
}

export { formatNumber, formatShare } from './format';
