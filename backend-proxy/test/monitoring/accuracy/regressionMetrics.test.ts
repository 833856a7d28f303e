import { meanAbsoluteError, rootMeanSquaredError } from '../../../src/monitoring/accuracy/regressionMetrics';
import { expectClose, fixtures } from '../stats/mathFixtures';

describe('regression metrics from running sums', () => {
  it.each(fixtures.regression)(
    'match numpy for $name',
    ({ count, sumAbsoluteErrors, sumSquaredErrors, mae, rmse }) => {
      expectClose(meanAbsoluteError(count, sumAbsoluteErrors), mae, 1e-12);
      expectClose(rootMeanSquaredError(count, sumSquaredErrors), rmse, 1e-12);
    },
  );

  it('are NaN without rows', () => {
    expect(meanAbsoluteError(0, 0)).toBeNaN();
    expect(rootMeanSquaredError(0, 0)).toBeNaN();
  });
});
