import { binShift, buildModel, formatNumber, sortRows } from '../../src/panels/featureDrift/model';
import { analysisTable, featureDriftTable, histogramFrame, segmentedFrames } from './frames';

describe('feature-drift model', () => {
  const frames = [
    featureDriftTable([
      { name: 'age', tvd: 0.1, hellinger: 0.12, kld: 0.05, psi: 0.2, status: 'NO_DRIFT' },
      {
        name: 'plan',
        tvd: 0.8,
        hellinger: 0.75,
        kld: 4,
        psi: 3.1,
        status: 'DRIFT_DETECTED',
        policyValue: 0.8,
        why: 'drifted: tvd 0.800 >= 0.05; chi2 p 1.00e-30 (BH 2.00e-30) <= 0.01; n 500 vs 10000',
      },
      { name: 'prediction', column: 'prediction', tvd: 0.3, hellinger: 0.2, kld: 0.4, status: 'NO_DRIFT' },
    ]),
    analysisTable([
      { name: 'age', actual: [18, 40, 80], expected: [18, 38, 79] },
      { name: 'plan', actual: [0, 1, 2], expected: [0, 0.5, 1] },
    ]),
    histogramFrame('age', [0.5, 0.5, 0], [0.25, 0.5, 0.25]),
    histogramFrame('plan', [0.6, 0.4, 0], [0, 0.2, 0.8], ['basic', 'pro', 'other'], [2, 0]),
  ];

  it('merges tables and histograms by feature name, keeping measures over gaps', () => {
    const model = buildModel(frames);
    expect(model.rows.map((r) => r.name)).toEqual(['age', 'plan', 'prediction']);
    const plan = model.rows[1];
    expect(plan.measures).toEqual({ tvd: 0.8, hellinger: 0.75, kld: 4, psi: 3.1 });
    expect(plan.expected).toEqual({ min: 0, mean: 0.5, max: 1 });
    expect(plan.actual).toEqual({ min: 0, mean: 1, max: 2 });
    expect(plan.status).toBe('DRIFT_DETECTED');
    expect(plan.statusSource).toBe('proxy');
    // The policy's explanation is the status's, not a measure column.
    expect(plan.why).toBe(
      'drifted: tvd 0.800 >= 0.05; chi2 p 1.00e-30 (BH 2.00e-30) <= 0.01; n 500 vs 10000',
    );
    expect(plan.bins.map((b) => b.label)).toEqual(['basic', 'pro', 'other']);
    // The bins the proxy names as moving most are marked for highlighting.
    expect(plan.bins.map((b) => b.top === true)).toEqual([true, false, true]);
    expect(plan.shift).toBeCloseTo(0.8);
    expect(model.rows[2].column).toBe('prediction');
    expect(model.measures).toEqual(['tvd', 'hellinger', 'kld', 'psi']);
    expect(model.hasStats && model.hasHistograms).toBe(true);
  });

  it('shows only the measures asked for, and can leave prediction columns out', () => {
    const model = buildModel(frames, { measures: 'kld, tvd', showPredictions: false });
    expect(model.measures).toEqual(['tvd', 'kld']);
    expect(model.rows.map((r) => r.name)).toEqual(['age', 'plan']);
  });

  it('takes the status only from the proxy: without drift_status it stays UNKNOWN, INSUFFICIENT_DATA is kept', () => {
    const model = buildModel([analysisTable([{ name: 'x', actual: [0, 1, 2], expected: [0, 1, 2] }])]);
    expect(model.rows[0]).toMatchObject({ status: 'UNKNOWN', statusSource: 'none' });
    const few = buildModel([
      featureDriftTable([{ name: 'x', tvd: 0.9, hellinger: 0.9, kld: 5, status: 'INSUFFICIENT_DATA' }]),
    ]);
    expect(few.rows[0]).toMatchObject({ status: 'INSUFFICIENT_DATA', statusSource: 'proxy' });
  });

  it('sorts by any column, rows without a value last in both directions', () => {
    const rows = buildModel(frames).rows;
    rows[0].measures.psi = null;
    expect(sortRows(rows, 'psi', 'desc').map((r) => r.name)).toEqual(['plan', 'age', 'prediction']);
    expect(sortRows(rows, 'psi', 'asc').map((r) => r.name)).toEqual(['plan', 'age', 'prediction']);
    expect(sortRows(rows, 'tvd', 'asc').map((r) => r.name)).toEqual(['age', 'prediction', 'plan']);
    expect(sortRows(rows, 'status', 'desc')[0].name).toBe('plan');
    expect(sortRows(rows, 'actual_mean', 'desc').map((r) => r.name)).toEqual(['age', 'plan', 'prediction']);
    expect(sortRows(rows, 'name', 'desc').map((r) => r.name)).toEqual(['prediction', 'plan', 'age']);
  });

  it('keeps one row per segment and feature when the queries span several segments', () => {
    const model = buildModel(segmentedFrames());
    const rows = sortRows(model.rows, 'tvd', 'desc');
    expect(rows.map((r) => [r.name, r.segment, r.measures.tvd, r.status])).toEqual([
      ['age', 'FR', 0.6, 'DRIFT_DETECTED'],
      ['plan', 'DE', 0.1, 'NO_DRIFT'],
      ['age', 'DE', 0.05, 'NO_DRIFT'],
    ]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(3);
    // |0.9 - 0.5| for FR, no move for DE; `segment` is not a measure.
    expect(rows[0].shift).toBeCloseTo(0.4);
    expect(rows[2].shift).toBe(0);
    expect(model.measures).toEqual(['tvd']);
  });

  it('formats numbers for narrow cells and measures bin shifts', () => {
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(0.123456)).toBe('0.123');
    expect(formatNumber(123.456)).toBe('123.5');
    expect(formatNumber(0.00001)).toBe('1.0e-5');
    expect(binShift([{ label: 'a', expected: 0.2, actual: null }])).toBeNull();
  });
});
