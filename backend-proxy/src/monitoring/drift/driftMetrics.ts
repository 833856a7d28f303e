/**
 * The drift measures, defined once (as Evidently's stat tests carry their own name and the column
 * types they accept): name, label, the column kinds it applies to (KS and Wasserstein need an
 * order, chi-squared needs categories) and whether it has a p-value. Formulas: each measure's own
 * file (registry.ts computes them). Free of imports, so the plugin's bundle can take it.
 */
export type ColumnKind = 'numeric' | 'categorical';

const BOTH: readonly ColumnKind[] = ['numeric', 'categorical'];

export const DRIFT_METRIC_CATALOGUE = Object.freeze([
  { name: 'tvd', label: 'TVD', kinds: BOTH, pValue: false },
  { name: 'hellinger', label: 'Hellinger', kinds: BOTH, pValue: false },
  { name: 'kld', label: 'KLD', kinds: BOTH, pValue: false },
  { name: 'kl', label: 'KL', kinds: BOTH, pValue: false },
  { name: 'psi', label: 'PSI', kinds: BOTH, pValue: false },
  { name: 'js', label: 'Jensen-Shannon', kinds: BOTH, pValue: false },
  { name: 'ks', label: 'KS', kinds: ['numeric'], pValue: true },
  { name: 'wasserstein', label: 'Wasserstein', kinds: ['numeric'], pValue: false },
  { name: 'chi2', label: 'Chi-squared', kinds: ['categorical'], pValue: true },
] as const);

export type DriftMetric = (typeof DRIFT_METRIC_CATALOGUE)[number]['name'];

export const DRIFT_METRICS: readonly DriftMetric[] = Object.freeze(DRIFT_METRIC_CATALOGUE.map((m) => m.name));

/** The measures MLRun's histogram data drift application computes per feature. */
export const DEFAULT_FEATURE_METRICS: readonly DriftMetric[] = Object.freeze(['tvd', 'hellinger', 'kld']);

/** The measures a column of this kind gets, in catalogue order. */
export function metricsForKind(kind: ColumnKind): DriftMetric[] {
  return DRIFT_METRIC_CATALOGUE.filter((m) => (m.kinds as readonly ColumnKind[]).includes(kind)).map(
    (m) => m.name,
  );
}

/** The measure fields of a feature-drift table, in order: each measure, then its p-value where it has one. */
export const MEASURE_FIELDS: readonly string[] = Object.freeze(
  DRIFT_METRIC_CATALOGUE.flatMap((m) => (m.pValue ? [m.name, `${m.name}_p_value`] : [m.name])),
);

export function driftMetricLabel(metric: DriftMetric): string {
  return DRIFT_METRIC_CATALOGUE.find((m) => m.name === metric)?.label ?? metric;
}
