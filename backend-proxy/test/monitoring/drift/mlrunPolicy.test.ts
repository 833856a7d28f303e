import { mlrunStatus } from '../../../src/monitoring/drift/policy/mlrunPolicy';
import { DEFAULT_POLICY_CONFIG } from '../../../src/monitoring/drift/policy/policyConfig';

describe('mlrunStatus (MLRun general drift)', () => {
  it.each([
    [0.1, 0.1, 'NO_DRIFT'],
    [0.49, 0.5, 'NO_DRIFT'],
    [0.5, 0.5, 'POSSIBLE_DRIFT'],
    [0.3, 0.9, 'POSSIBLE_DRIFT'],
    [0.7, 0.7, 'DRIFT_DETECTED'],
    [0.6, 0.9, 'DRIFT_DETECTED'],
    [Number.NaN, 0.2, 'UNKNOWN'],
  ])('tvd %p, hellinger %p -> %s with 0.5 / 0.7', (tvd, hellinger, status) => {
    expect(mlrunStatus(tvd, hellinger, DEFAULT_POLICY_CONFIG)).toBe(status);
  });

  it('uses the given thresholds', () => {
    expect(mlrunStatus(0.2, 0.2, { possibleDrift: 0.1, driftDetected: 0.3 })).toBe('POSSIBLE_DRIFT');
    expect(mlrunStatus(0.3, 0.3, { possibleDrift: 0.1, driftDetected: 0.3 })).toBe('DRIFT_DETECTED');
  });
});
