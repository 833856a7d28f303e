/**
 * The drift status vocabulary, defined once: the API, the store, Prometheus, the alert rules, the
 * plugin and the dashboards import it. Which status a window gets is decided by a drift policy
 * (`./policy`).
 *   NO_DRIFT / POSSIBLE_DRIFT / DRIFT_DETECTED  the policy's decision,
 *   INSUFFICIENT_DATA                           fewer predictions than the policy's minimum sample,
 *   UNKNOWN                                     nothing to compare (no reference, no predictions).
 */

export const DRIFT_STATUSES = Object.freeze([
  'NO_DRIFT',
  'POSSIBLE_DRIFT',
  'DRIFT_DETECTED',
  'INSUFFICIENT_DATA',
  'UNKNOWN',
] as const);

export type DriftStatus = (typeof DRIFT_STATUSES)[number];

/**
 * Statuses as ordered numbers, for gauges and comparisons: -2 insufficient data, -1 unknown, 0 no
 * drift, 1 possible, 2 detected. Negative levels are not drift, so rules on `>= 1` never fire on them.
 */
export const DRIFT_STATUS_LEVEL: Readonly<Record<DriftStatus, number>> = Object.freeze({
  INSUFFICIENT_DATA: -2,
  UNKNOWN: -1,
  NO_DRIFT: 0,
  POSSIBLE_DRIFT: 1,
  DRIFT_DETECTED: 2,
});

/** Whether a status reports drift (the ones alert rules page on). */
export function isDriftStatus(status: DriftStatus): boolean {
  return status === 'POSSIBLE_DRIFT' || status === 'DRIFT_DETECTED';
}
