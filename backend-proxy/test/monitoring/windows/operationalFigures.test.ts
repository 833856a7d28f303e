/** Accuracy vs regression errors in the operational figures, from labels folded as ingest folds them. */
import { buildBinning } from '../../../src/monitoring/aggregates/binning';
import { CounterSet } from '../../../src/monitoring/aggregates/counterSet';
import { foldLabel } from '../../../src/monitoring/aggregates/layout';
import { operationalFigures } from '../../../src/monitoring/windows/operationalFigures';

const binningFor = (kind: 'numeric' | 'categorical') =>
  buildBinning({ features: [], predictions: [{ name: 'prediction', kind }], labels: [] }, null);

describe('operational figures from joined labels', () => {
  it('a regression whose predictions are all exact has MAE and RMSE 0, not accuracy 0', () => {
    const counters = new CounterSet();
    for (const value of [3, 4.5, -1]) foldLabel(counters, binningFor('numeric'), value, value);
    expect(operationalFigures(counters, 60_000)).toMatchObject({
      labeled: 3,
      accuracy: null,
      mae: 0,
      rmse: 0,
    });
  });

  it('a regression with errors 1 and 3 has MAE 2 and RMSE sqrt(5)', () => {
    const counters = new CounterSet();
    foldLabel(counters, binningFor('numeric'), 2, 3);
    foldLabel(counters, binningFor('numeric'), 10, 7);
    const figures = operationalFigures(counters, 60_000);
    expect(figures).toMatchObject({ labeled: 2, accuracy: null, mae: 2 });
    expect(figures.rmse).toBeCloseTo(Math.sqrt(5), 12);
  });

  it('a classifier that is always wrong has accuracy 0 and no regression errors', () => {
    const counters = new CounterSet();
    foldLabel(counters, binningFor('categorical'), 'yes', 'no');
    foldLabel(counters, binningFor('categorical'), 'no', 'yes');
    expect(operationalFigures(counters, 60_000)).toMatchObject({
      labeled: 2,
      accuracy: 0,
      mae: null,
      rmse: null,
    });
  });
});
