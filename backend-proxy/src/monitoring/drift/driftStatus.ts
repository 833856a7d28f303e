/**
 * MLRun's general drift rule (HistogramDataDriftApplication + DataDriftClassifier):
 *   value = (mean TVD over the features + mean Hellinger distance over the features) / 2,
 *   DRIFT_DETECTED if value >= driftDetected, else POSSIBLE_DRIFT if value >= possibleDrift,
 *   else NO_DRIFT; UNKNOWN when value is NaN (nothing to compare).
 * Defaults as MLRun: possibleDrift 0.5, driftDetected 0.7.
 */

export type DriftStatus = 'NO_DRIFT' | 'POSSIBLE_DRIFT' | 'DRIFT_DETECTED' | 'UNKNOWN';

export interface DriftThresholds {
  possibleDrift: number;
  driftDetected: number;
}

/** Statuses as ordered numbers, for gauges and comparisons: -1 unknown, 0 no drift, 1 possible, 2 detected. */
export const DRIFT_STATUS_LEVEL: Readonly<Record<DriftStatus, number>> = Object.freeze({
  UNKNOWN: -1,
  NO_DRIFT: 0,
  POSSIBLE_DRIFT: 1,
  DRIFT_DETECTED: 2,
});

export const DEFAULT_DRIFT_THRESHOLDS: Readonly<DriftThresholds> = Object.freeze({
  possibleDrift: 0.5,
  driftDetected: 0.7,
});

export function driftStatus(
  tvdMean: number,
  hellingerMean: number,
  thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS,
): DriftStatus {
  const value = (tvdMean + hellingerMean) / 2;
  if (Number.isNaN(value)) return 'UNKNOWN';
  if (value >= thresholds.driftDetected) return 'DRIFT_DETECTED';
  if (value >= thresholds.possibleDrift) return 'POSSIBLE_DRIFT';
  return 'NO_DRIFT';
}
