/**
 * Drift policy settings: which policy decides an endpoint's status and its parameters. An endpoint's
 * settings override its project's, which override the defaults, field by field. The defaults and
 * why they are what they are: `defaultPolicy.ts` (and `bench/signalQuality.ts`, which measures them).
 */

export const DRIFT_POLICY_NAMES = Object.freeze(['default', 'mlrun'] as const);
export type DriftPolicyName = (typeof DRIFT_POLICY_NAMES)[number];

export interface DriftPolicyConfig {
  policy: DriftPolicyName;
  /** Fewer production values than this (per window, per feature) is INSUFFICIENT_DATA, never a drift status. */
  minSample: number;
  /** default: false discovery rate over the features' tests (Benjamini-Hochberg). */
  alpha: number;
  /** default: a numeric feature drifts only if Wasserstein-1 / reference std reaches this. */
  numericEffect: number;
  /** default: a categorical feature drifts only if the total variation distance reaches this. */
  categoricalEffect: number;
  /** default: DRIFT_DETECTED when at least this share of the features drifted (POSSIBLE_DRIFT from one). */
  driftShare: number;
  /** mlrun: (tvd_mean + hellinger_mean) / 2 at or above this is POSSIBLE_DRIFT ... */
  possibleDrift: number;
  /** ... and at or above this DRIFT_DETECTED. */
  driftDetected: number;
}

/** What an endpoint or a project stores: any subset of the configuration. */
export type DriftPolicySettings = Partial<DriftPolicyConfig>;

export const DEFAULT_POLICY_CONFIG: Readonly<DriftPolicyConfig> = Object.freeze({
  policy: 'default',
  minSample: 100,
  alpha: 0.01,
  numericEffect: 0.1,
  categoricalEffect: 0.05,
  driftShare: 0.5,
  possibleDrift: 0.5,
  driftDetected: 0.7,
});

/** Endpoint settings over project settings over the defaults; unset (undefined) fields fall through. */
export function resolvePolicyConfig(
  ...settings: Array<DriftPolicySettings | null | undefined>
): DriftPolicyConfig {
  const config: DriftPolicyConfig = { ...DEFAULT_POLICY_CONFIG };
  for (const layer of [...settings].reverse()) {
    if (!layer) continue;
    for (const key of Object.keys(DEFAULT_POLICY_CONFIG) as Array<keyof DriftPolicyConfig>) {
      const value = layer[key];
      if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return config;
}
