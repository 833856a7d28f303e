/** The task decision: explicit registration first, then the rule of accuracy/task.ts on a window's counters. */
import { buildBinning } from '../../../src/monitoring/aggregates/binning';
import { CounterSet } from '../../../src/monitoring/aggregates/counterSet';
import { foldLabel } from '../../../src/monitoring/aggregates/layout';
import {
  decideTask,
  isIntegerClass,
  MAX_CLASS_VALUE,
  MAX_INTEGER_CLASSES,
  taskSettingOf,
} from '../../../src/monitoring/accuracy/task';

const numeric = buildBinning(
  { features: [], predictions: [{ name: 'p', kind: 'numeric' }], labels: [] },
  null,
);
const folded = (pairs: Array<[unknown, unknown]>) => {
  const counters = new CounterSet();
  for (const [p, y] of pairs) foldLabel(counters, numeric, p, y);
  return counters;
};
const inferredNumeric = { explicit: null, predictionKind: 'numeric' };

describe('task decision', () => {
  it('integer class values: integers within ±MAX_CLASS_VALUE', () => {
    expect([0, 1, -1, MAX_CLASS_VALUE, -MAX_CLASS_VALUE].every(isIntegerClass)).toBe(true);
    expect([0.5, MAX_CLASS_VALUE + 1, Number.NaN, Infinity].some(isIntegerClass)).toBe(false);
  });

  it('a numeric 0/1 prediction with 0/1 labels is classification (inferred)', () => {
    expect(
      decideTask(
        inferredNumeric,
        folded([
          [0, 0],
          [1, 0],
          [1, 1],
        ]),
      ),
    ).toEqual({
      task: 'classification',
      taskSource: 'inferred',
    });
  });

  it('integer values given as strings count as classes (JSON clients send "1")', () => {
    expect(
      decideTask(
        inferredNumeric,
        folded([
          ['1', 1],
          ['0', '0'],
        ]),
      ).task,
    ).toBe('classification');
  });

  it('one continuous pair makes the window regression', () => {
    expect(
      decideTask(
        inferredNumeric,
        folded([
          [0, 0],
          [1, 1],
          [0.3, 0],
        ]),
      ),
    ).toEqual({
      task: 'regression',
      taskSource: 'inferred',
    });
  });

  it('integers beyond the class range or with too many classes are regression', () => {
    expect(decideTask(inferredNumeric, folded([[100, 101]])).task).toBe('regression');
    const many = Array.from({ length: MAX_INTEGER_CLASSES + 1 }, (_, i): [number, number] => [i, i]);
    expect(decideTask(inferredNumeric, folded(many)).task).toBe('regression');
    expect(decideTask(inferredNumeric, folded(many.slice(1))).task).toBe('classification');
  });

  it('a numeric prediction without labels is regression; a categorical one is classification', () => {
    expect(decideTask(inferredNumeric, new CounterSet()).task).toBe('regression');
    expect(decideTask({ explicit: null, predictionKind: 'categorical' }, new CounterSet())).toEqual({
      task: 'classification',
      taskSource: 'inferred',
    });
  });

  it('an explicit task wins over the counters', () => {
    const classes = folded([
      [0, 0],
      [1, 0],
    ]);
    expect(decideTask({ explicit: 'regression', predictionKind: 'numeric' }, classes)).toEqual({
      task: 'regression',
      taskSource: 'explicit',
    });
    const setting = taskSettingOf({ task: 'classification', predictionColumns: [{ kind: 'numeric' }] });
    expect(decideTask(setting, folded([[0.5, 0.25]]))).toEqual({
      task: 'classification',
      taskSource: 'explicit',
    });
  });
});
