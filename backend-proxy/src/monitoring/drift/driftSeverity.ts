/**
 * A feature's drift severity: its deciding measure over the threshold its policy holds it to
 * (default policy: Wasserstein/std over 0.1 for numeric features, TVD over 0.05 for categorical
 * ones; mlrun: the MLRun score over its possible-drift threshold). Measures of different kinds
 * then share one scale, on which 1 is "at the policy's threshold". Whether the feature drifted is
 * still the policy's decision (the default policy also needs a significant test). Free of imports,
 * so the dashboards colour by the same steps (`@driftwatch/backend-proxy/drift-severity`).
 */

/** Where a severity is shown as approaching the threshold, and as at or past it. */
export const DRIFT_SEVERITY_STEPS = Object.freeze({ approaching: 0.5, atThreshold: 1 });

/** value / threshold; a threshold of 0 leaves the value as it is. */
export function driftSeverity(value: number, threshold: number): number {
  return threshold > 0 ? value / threshold : value;
}
