import type { DriftStatus } from '../driftStatus';
import type { DriftPolicyName } from './policyConfig';

/** One column as a policy sees it: two histograms on the same bins (the reference's). */
export interface PolicyColumn {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Reference (or baseline window) counts per bin. */
  expected: readonly number[];
  /** Production counts per bin. */
  actual: readonly number[];
  /** Numeric: one value per bin (bin midpoints), for the Wasserstein distance. */
  positions?: readonly number[];
  /** Numeric: the reference's standard deviation, which normalises the Wasserstein distance. */
  scale?: number | null;
}

export interface SampleSizes {
  production: number;
  reference: number;
}

export interface ColumnDecision {
  name: string;
  status: DriftStatus;
  n: SampleSizes;
  /** The effect size that decided (default: wasserstein_std or tvd; mlrun: mlrun_score). */
  measure: string;
  value: number | null;
  threshold: number;
  /** The test and its p-value (default policy); null for mlrun. */
  test: 'ks' | 'chi2' | null;
  pValue: number | null;
  /** After the correction for testing every feature of the window (Benjamini-Hochberg). */
  adjustedPValue: number | null;
  alpha: number | null;
  /** The bins whose probabilities moved most (index into the column's bins, share of the TVD). */
  topBins: Array<{ bin: number; expectedShare: number; actualShare: number; contribution: number }>;
  reason: string;
}

export interface EndpointDecision {
  status: DriftStatus;
  policy: DriftPolicyName;
  n: SampleSizes & { minSample: number };
  evaluatedFeatures: number;
  driftedFeatures: string[];
  driftedShare: number | null;
  /** The measure and threshold of the endpoint rule: drifted share (default) or the MLRun score (mlrun). */
  measure: string;
  value: number | null;
  threshold: { possibleDrift: number; driftDetected: number };
  /** The drifted features' decisions: measure, value vs threshold, p-value, n. */
  drifted: ColumnDecision[];
  reason: string;
}

export interface PolicyDecision {
  features: ColumnDecision[];
  endpoint: EndpointDecision;
}
