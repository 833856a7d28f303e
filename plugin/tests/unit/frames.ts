/** Proxy-shaped answers (as backend-proxy/src/grafana builds them) read with Grafana's own toDataFrame. */
import { toDataFrame, type DataFrame } from '@grafana/data';

export function featureDriftTable(
  rows: Array<{
    name: string;
    column?: string;
    tvd: number | null;
    hellinger: number | null;
    kld: number | null;
    psi?: number | null;
    status?: string;
    why?: string;
    policyValue?: number | null;
  }>,
): DataFrame {
  return toDataFrame({
    type: 'table',
    refId: 'A',
    columns: [
      { text: 'feature_name', type: 'string' },
      { text: 'column', type: 'string' },
      { text: 'tvd', type: 'number' },
      { text: 'hellinger', type: 'number' },
      { text: 'kld', type: 'number' },
      { text: 'psi', type: 'number' },
      { text: 'drift_status', type: 'string' },
      { text: 'policy_value', type: 'number' },
      { text: 'why', type: 'string' },
    ],
    rows: rows.map((r) => [
      r.name,
      r.column ?? 'feature',
      r.tvd,
      r.hellinger,
      r.kld,
      r.psi ?? null,
      r.status ?? 'NO_DRIFT',
      r.policyValue ?? null,
      r.why ?? '',
    ]),
  });
}

export function analysisTable(
  rows: Array<{ name: string; actual: [number, number, number]; expected: [number, number, number] }>,
): DataFrame {
  return toDataFrame({
    type: 'table',
    refId: 'B',
    columns: [
      'feature_name',
      'actual_min',
      'actual_mean',
      'actual_max',
      'expected_min',
      'expected_mean',
      'expected_max',
      'tvd',
      'hellinger',
      'kld',
    ].map((text, i) => ({
      text,
      type: i === 0 ? 'string' : 'number',
    })),
    rows: rows.map((r) => [r.name, ...r.actual, ...r.expected, null, null, null]),
  });
}

export function histogramFrame(
  name: string,
  expected: number[],
  actual: number[],
  labels?: string[],
  topBins: number[] = [],
): DataFrame {
  return toDataFrame({
    name,
    refId: 'C',
    meta: { custom: { feature: name, topBins } },
    fields: [
      { name: 'xMin', type: 'number', values: expected.map((_, i) => i) },
      { name: 'xMax', type: 'number', values: expected.map((_, i) => i + 1) },
      { name: 'expected', type: 'number', values: expected },
      { name: 'actual', type: 'number', values: actual },
      { name: 'bin', type: 'string', values: labels ?? expected.map((_, i) => `${i} – ${i + 1}`) },
    ],
  });
}

/**
 * feature_drift and feature_histogram for segments DE and FR of one key, as the proxy marks
 * answers per segment: tables get a `segment` column first, frames the value after their name
 * and a `segment` label on their fields. `age` drifted in FR only.
 */
export function segmentedFrames(): DataFrame[] {
  const table = toDataFrame({
    type: 'table',
    refId: 'A',
    columns: [
      { text: 'segment', type: 'string' },
      { text: 'feature_name', type: 'string' },
      { text: 'tvd', type: 'number' },
      { text: 'drift_status', type: 'string' },
    ],
    rows: [
      ['DE', 'age', 0.05, 'NO_DRIFT'],
      ['FR', 'age', 0.6, 'DRIFT_DETECTED'],
      ['DE', 'plan', 0.1, 'NO_DRIFT'],
    ],
  });
  const histogram = (segment: string, actual: number[]) => {
    const frame = histogramFrame('age', [0.5, 0.5], actual);
    return {
      ...frame,
      name: `age ${segment}`,
      fields: frame.fields.map((f) => ({ ...f, labels: { ...f.labels, segment } })),
    };
  };
  return [table, histogram('DE', [0.5, 0.5]), histogram('FR', [0.9, 0.1])];
}
