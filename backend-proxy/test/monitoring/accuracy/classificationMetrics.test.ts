import { classificationMetrics } from '../../../src/monitoring/accuracy/classificationMetrics';
import { expectClose, fixtures, fromJson } from '../stats/mathFixtures';

describe('classificationMetrics', () => {
  it.each(fixtures.classification)(
    'matches numpy for $name',
    ({ cells, total, correct, accuracy, classes }) => {
      const metrics = classificationMetrics(cells);
      expect(metrics.total).toBe(total);
      expect(metrics.correct).toBe(correct);
      expectClose(metrics.accuracy, accuracy, 1e-15);
      expect(metrics.classes.map((c) => c.label)).toEqual(classes.map((c) => c.label));
      metrics.classes.forEach((metric, i) => {
        const reference = classes[i];
        expect(metric).toMatchObject({
          support: reference.support,
          predicted: reference.predicted,
          truePositives: reference.truePositives,
        });
        expectClose(metric.precision, fromJson(reference.precision), 1e-15);
        expectClose(metric.recall, fromJson(reference.recall), 1e-15);
      });
    },
  );

  it('is NaN for an empty matrix and rejects bad counts', () => {
    expect(classificationMetrics([])).toEqual({ total: 0, correct: 0, accuracy: NaN, classes: [] });
    expect(() => classificationMetrics([{ actual: 'a', predicted: 'a', count: -1 }])).toThrow(RangeError);
  });
});
