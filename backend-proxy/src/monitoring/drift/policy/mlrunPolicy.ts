import type { DriftStatus } from '../driftStatus';
import { hellingerDistance } from '../hellingerDistance';
import { totalVariationDistance } from '../totalVariationDistance';
import type { DriftPolicyConfig } from './policyConfig';
import type { ColumnDecision, PolicyColumn } from './types';

/**
 * MLRun's general drift rule (HistogramDataDriftApplication + DataDriftClassifier), kept as the
 * policy `mlrun`:
 *   score = (mean TVD over the features + mean Hellinger distance over the features) / 2,
 *   DRIFT_DETECTED if score >= driftDetected (0.7), else POSSIBLE_DRIFT if score >= possibleDrift
 *   (0.5), else NO_DRIFT; UNKNOWN when the score is NaN. A feature's own status is the same rule on
 *   its own (tvd + hellinger) / 2. No test: it is deaf to material shifts averaged over many
 *   features and loud on tiny windows (bench/signalQuality measures both).
 */
export function mlrunStatus(
  tvdMean: number,
  hellingerMean: number,
  thresholds: Pick<DriftPolicyConfig, 'possibleDrift' | 'driftDetected'>,
): DriftStatus {
  const value = (tvdMean + hellingerMean) / 2;
  if (Number.isNaN(value)) return 'UNKNOWN';
  if (value >= thresholds.driftDetected) return 'DRIFT_DETECTED';
  if (value >= thresholds.possibleDrift) return 'POSSIBLE_DRIFT';
  return 'NO_DRIFT';
}

/** The MLRun score of one column: (tvd + hellinger) / 2 of its histograms. */
export function mlrunScore(column: PolicyColumn): number {
  return (
    (totalVariationDistance(column.expected, column.actual) +
      hellingerDistance(column.expected, column.actual)) /
    2
  );
}

export function decideMlrun(
  columns: readonly PolicyColumn[],
  config: DriftPolicyConfig,
  insufficient: (column: PolicyColumn) => ColumnDecision | null,
  topBins: (column: PolicyColumn) => ColumnDecision['topBins'],
): ColumnDecision[] {
  return columns.map((column) => {
    const short = insufficient(column);
    if (short) return short;
    const score = mlrunScore(column);
    const status = mlrunStatus(score, score, config);
    const n = {
      production: column.actual.reduce((a, b) => a + b, 0),
      reference: column.expected.reduce((a, b) => a + b, 0),
    };
    return {
      name: column.name,
      status,
      n,
      measure: 'mlrun_score',
      value: Number.isFinite(score) ? score : null,
      threshold: config.possibleDrift,
      test: null,
      pValue: null,
      adjustedPValue: null,
      alpha: null,
      topBins: topBins(column),
      reason: `mlrun: (tvd + hellinger) / 2 = ${Number.isFinite(score) ? score.toFixed(3) : 'n/a'} against ${config.possibleDrift} / ${config.driftDetected}; n ${n.production} vs ${n.reference}`,
    };
  });
}
