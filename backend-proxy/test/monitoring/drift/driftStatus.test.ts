import { DEFAULT_DRIFT_THRESHOLDS, driftStatus } from '../../../src/monitoring/drift/driftStatus';

describe('driftStatus (MLRun general drift)', () => {
  it.each([
    [0, 0, 'NO_DRIFT'],
    [0.49, 0.5, 'NO_DRIFT'],
    [0.5, 0.5, 'POSSIBLE_DRIFT'],
    [0.3, 0.9, 'POSSIBLE_DRIFT'],
    [0.7, 0.7, 'DRIFT_DETECTED'],
    [1, 0.5, 'DRIFT_DETECTED'],
    [NaN, 0.2, 'UNKNOWN'],
    [0.2, NaN, 'UNKNOWN'],
  ] as const)('tvd %p and hellinger %p give %s', (tvd, hellinger, status) => {
    expect(driftStatus(tvd, hellinger)).toBe(status);
  });

  it("defaults to MLRun's thresholds and accepts others", () => {
    expect(DEFAULT_DRIFT_THRESHOLDS).toEqual({ possibleDrift: 0.5, driftDetected: 0.7 });
    expect(driftStatus(0.2, 0.2, { possibleDrift: 0.1, driftDetected: 0.3 })).toBe('POSSIBLE_DRIFT');
    expect(driftStatus(0.3, 0.3, { possibleDrift: 0.1, driftDetected: 0.3 })).toBe('DRIFT_DETECTED');
  });
});
