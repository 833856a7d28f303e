import { topContributingBins } from '../binContributions';
import { hellingerDistance } from '../hellingerDistance';
import { totalVariationDistance } from '../totalVariationDistance';
import { decideDefault } from './defaultPolicy';
import { decideMlrun, mlrunStatus } from './mlrunPolicy';
import type { DriftPolicyConfig } from './policyConfig';
import type { ColumnDecision, EndpointDecision, PolicyColumn } from './types';

/**
 * The drift decision of one window, a pure function: (aligned histograms + counts + configuration)
 * → each column's decision and the endpoint's, with the explanation behind them. The same policy
 * decides features and prediction (output) columns; the endpoint's status comes from the features.
 */

export interface DriftDecisionInput {
  features: readonly PolicyColumn[];
  predictions: readonly PolicyColumn[];
  /** Predictions in the window. */
  windowPredictions: number;
}

export interface DriftDecision {
  features: ColumnDecision[];
  predictions: ColumnDecision[];
  endpoint: EndpointDecision;
}

const total = (counts: readonly number[]) => counts.reduce((a, b) => a + b, 0);

function insufficientFor(config: DriftPolicyConfig) {
  return (column: PolicyColumn): ColumnDecision | null => {
    const n = { production: total(column.actual), reference: total(column.expected) };
    if (n.production >= config.minSample && n.reference >= config.minSample) return null;
    return {
      name: column.name,
      status: 'INSUFFICIENT_DATA',
      n,
      measure: 'n',
      value: Math.min(n.production, n.reference),
      threshold: config.minSample,
      test: null,
      pValue: null,
      adjustedPValue: null,
      alpha: null,
      topBins: [],
      reason: `insufficient data: ${n.production} production and ${n.reference} reference values, minimum ${config.minSample}`,
    };
  };
}

const topBins = (column: PolicyColumn) => topContributingBins(column.expected, column.actual);

function decideColumns(columns: readonly PolicyColumn[], config: DriftPolicyConfig): ColumnDecision[] {
  const decide = config.policy === 'mlrun' ? decideMlrun : decideDefault;
  return decide(columns, config, insufficientFor(config), topBins);
}

function meanOf(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : Number.NaN;
}

export function decideDrift(input: DriftDecisionInput, config: DriftPolicyConfig): DriftDecision {
  const features = decideColumns(input.features, config);
  const predictions = decideColumns(input.predictions, config);
  const evaluated = features.filter((f) => f.status !== 'INSUFFICIENT_DATA' && f.status !== 'UNKNOWN');
  const drifted = evaluated.filter((f) => f.status === 'POSSIBLE_DRIFT' || f.status === 'DRIFT_DETECTED');
  const n = {
    production: input.windowPredictions,
    reference: Math.max(0, ...features.map((f) => f.n.reference)),
    minSample: config.minSample,
  };
  const driftedShare = evaluated.length ? drifted.length / evaluated.length : null;
  const base = {
    policy: config.policy,
    n,
    evaluatedFeatures: evaluated.length,
    driftedFeatures: drifted.map((f) => f.name),
    driftedShare,
    drifted,
  };
  const outputs = predictions.filter((p) => p.status === 'POSSIBLE_DRIFT' || p.status === 'DRIFT_DETECTED');
  const outputNote = outputs.length ? `; prediction drift: ${outputs.map((p) => p.name).join(', ')}` : '';

  if (input.features.length === 0 || input.windowPredictions === 0) {
    return {
      features,
      predictions,
      endpoint: {
        ...base,
        status: 'UNKNOWN',
        measure: 'n',
        value: input.windowPredictions,
        threshold: { possibleDrift: config.minSample, driftDetected: config.minSample },
        reason: 'nothing to compare: no features or no predictions in the window',
      },
    };
  }
  if (input.windowPredictions < config.minSample || evaluated.length === 0) {
    return {
      features,
      predictions,
      endpoint: {
        ...base,
        status: 'INSUFFICIENT_DATA',
        measure: 'n',
        value: input.windowPredictions,
        threshold: { possibleDrift: config.minSample, driftDetected: config.minSample },
        reason:
          input.windowPredictions < config.minSample
            ? `insufficient data: ${input.windowPredictions} predictions in the window, minimum ${config.minSample}`
            : `insufficient data: no feature has ${config.minSample} values in the window and the reference`,
      },
    };
  }
  if (config.policy === 'mlrun') {
    const score =
      (meanOf(input.features.map((c) => totalVariationDistance(c.expected, c.actual))) +
        meanOf(input.features.map((c) => hellingerDistance(c.expected, c.actual)))) /
      2;
    const status = mlrunStatus(score, score, config);
    return {
      features,
      predictions,
      endpoint: {
        ...base,
        status,
        measure: 'mlrun_score',
        value: Number.isFinite(score) ? score : null,
        threshold: { possibleDrift: config.possibleDrift, driftDetected: config.driftDetected },
        reason: `mlrun: (tvd_mean + hellinger_mean) / 2 = ${score.toFixed(3)} against ${config.possibleDrift} / ${config.driftDetected}; n ${n.production}${outputNote}`,
      },
    };
  }
  const share = driftedShare ?? 0;
  const status =
    drifted.length === 0 ? 'NO_DRIFT' : share >= config.driftShare ? 'DRIFT_DETECTED' : 'POSSIBLE_DRIFT';
  const list = drifted.map((f) => `${f.name} (${f.reason.replace(/^drifted: /, '')})`).join('; ');
  return {
    features,
    predictions,
    endpoint: {
      ...base,
      status,
      measure: 'drifted_share',
      value: share,
      threshold: { possibleDrift: 1 / evaluated.length, driftDetected: config.driftShare },
      reason:
        drifted.length === 0
          ? `default: no feature drifted of ${evaluated.length} evaluated; n ${n.production}${outputNote}`
          : `default: ${drifted.length} of ${evaluated.length} features drifted (share ${share.toFixed(2)} ${share >= config.driftShare ? '>=' : '<'} ${config.driftShare}): ${list}${outputNote}`,
    },
  };
}
