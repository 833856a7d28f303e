/** Accuracy vs regression errors in the operational figures, from labels folded as ingest folds them. */
import { buildBinning } from '../../../src/monitoring/aggregates/binning';
import { CounterSet } from '../../../src/monitoring/aggregates/counterSet';
import { foldLabel } from '../../../src/monitoring/aggregates/layout';
import { operationalFigures } from '../../../src/monitoring/windows/operationalFigures';

const inferred = (predictionKind: 'numeric' | 'categorical') => ({ explicit: null, predictionKind });
const binningFor = (kind: 'numeric' | 'categorical') =>
  buildBinning({ features: [], predictions: [{ name: 'prediction', kind }], labels: [] }, null);

describe('operational figures from joined labels', () => {
  it('a regression whose predictions are all exact has MAE and RMSE 0, not accuracy 0', () => {
    const counters = new CounterSet();
    for (const value of [3, 4.5, -1]) foldLabel(counters, binningFor('numeric'), value, value);
    expect(operationalFigures(counters, 60_000, inferred('numeric'))).toMatchObject({
      labeled: 3,
      task: 'regression',
      taskSource: 'inferred',
      accuracy: null,
      mae: 0,
      rmse: 0,
    });
  });

  it('a regression with errors 1 and 3 has MAE 2 and RMSE sqrt(5)', () => {
    const counters = new CounterSet();
    // Non-integer values: integer ones would be inferred as classes (accuracy/task.ts).
    foldLabel(counters, binningFor('numeric'), 2.5, 3.5);
    foldLabel(counters, binningFor('numeric'), 10.5, 7.5);
    const figures = operationalFigures(counters, 60_000, inferred('numeric'));
    expect(figures).toMatchObject({ labeled: 2, accuracy: null, mae: 2 });
    expect(figures.rmse).toBeCloseTo(Math.sqrt(5), 12);
  });

  it('a classifier that is always wrong has accuracy 0 and no regression errors', () => {
    const counters = new CounterSet();
    foldLabel(counters, binningFor('categorical'), 'yes', 'no');
    foldLabel(counters, binningFor('categorical'), 'no', 'yes');
    expect(operationalFigures(counters, 60_000, inferred('categorical'))).toMatchObject({
      labeled: 2,
      task: 'classification',
      accuracy: 0,
      mae: null,
      rmse: null,
    });
  });

  /** Four 0/1 predictions against 0/1 labels, three right. */
  const binaryPairs = () => {
    const counters = new CounterSet();
    for (const [p, y] of [
      [1, 1],
      [0, 0],
      [1, 0],
      [0, 0],
    ])
      foldLabel(counters, binningFor('numeric'), p, y);
    return counters;
  };

  it('an integer 0/1 prediction with 0/1 labels is classification: accuracy, no MAE', () => {
    const counters = binaryPairs();
    expect(operationalFigures(counters, 60_000, inferred('numeric'))).toMatchObject({
      labeled: 4,
      task: 'classification',
      taskSource: 'inferred',
      accuracy: 0.75,
      mae: null,
      rmse: null,
    });
  });

  it('an explicit regression task wins over integer values', () => {
    const counters = binaryPairs();
    expect(
      operationalFigures(counters, 60_000, { explicit: 'regression', predictionKind: 'numeric' }),
    ).toMatchObject({ task: 'regression', taskSource: 'explicit', accuracy: null, mae: 0.25, rmse: 0.5 });
  });
});
