import { nextAlertState, type AlertPhaseState } from '../../../src/monitoring/alerts/alertState';
import { holds, metricValue } from '../../../src/monitoring/alerts/alertRules';

describe('alert state transitions', () => {
  const forMs = 5 * 60_000;
  const run = (conditions: Array<[number, boolean]>) => {
    let state: AlertPhaseState = { phase: 'inactive', activeSince: null };
    return conditions.map(([minute, holdsNow]) => {
      const next = nextAlertState(state, holdsNow, minute * 60_000, forMs);
      state = next;
      return `${next.phase}${next.transition ? `(${next.transition})` : ''}`;
    });
  };

  it('goes pending, fires after `for`, stays firing, resolves', () => {
    expect(
      run([
        [0, false],
        [1, true],
        [3, true],
        [6, true],
        [7, true],
        [8, false],
        [9, false],
      ]),
    ).toEqual([
      'inactive',
      'pending(pending)',
      'pending',
      'firing(firing)',
      'firing',
      'inactive(resolved)',
      'inactive',
    ]);
  });

  it('a blip shorter than `for` never fires, and the clock restarts', () => {
    expect(
      run([
        [0, true],
        [4, false],
        [5, true],
        [9, true],
        [10, true],
      ]),
    ).toEqual(['pending(pending)', 'inactive', 'pending(pending)', 'pending', 'firing(firing)']);
  });

  it('fires at once with for = 0', () => {
    expect(nextAlertState({ phase: 'inactive', activeSince: null }, true, 1000, 0)).toEqual({
      phase: 'firing',
      activeSince: 1000,
      transition: 'firing',
    });
  });

  it('compares values, treating missing data as not holding', () => {
    expect(holds(0.8, '>=', 0.7)).toBe(true);
    expect(holds(0.7, '>', 0.7)).toBe(false);
    expect(holds(0, '<', 0.1)).toBe(true);
    expect(holds(null, '<', 0.1)).toBe(false);
    expect(holds(Number.NaN, '!=', 1)).toBe(false);
  });

  it('reads drift status as 0/1/2 and the worst feature for data quality', () => {
    const report = {
      overall: { status: 'DRIFT_DETECTED', tvdMean: 0.8, hellingerMean: 0.7, kldMean: 3, driftedShare: 1 },
      features: [
        {
          name: 'a',
          measures: { tvd: { value: 0.9 } },
          quality: { missingShare: 0.1, outOfRangeShare: 0.5 },
        },
        {
          name: 'b',
          measures: { tvd: { value: 0.7 } },
          quality: { missingShare: 0.3, outOfRangeShare: null },
        },
      ],
    };
    const inputs = {
      report,
      window: { accuracy: 0.9, errorRate: 0.01 },
      recentPredictionsPerSecond: 0,
    } as unknown as Parameters<typeof metricValue>[1];
    expect(metricValue({ metric: 'drift_status', feature: null }, inputs)).toBe(2);
    expect(metricValue({ metric: 'missing_share', feature: null }, inputs)).toBe(0.3);
    expect(metricValue({ metric: 'out_of_range_share', feature: 'a' }, inputs)).toBe(0.5);
    expect(metricValue({ metric: 'feature_tvd', feature: 'b' }, inputs)).toBe(0.7);
    expect(metricValue({ metric: 'feature_tvd', feature: 'zzz' }, inputs)).toBeNull();
    expect(metricValue({ metric: 'predictions_per_second', feature: null }, inputs)).toBe(0);
  });
});
