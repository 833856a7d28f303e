import { DEFAULT_LIMITS } from '../../src/reports/compareDatasets';
import {
  chooseTest,
  describeRule,
  isDrifted,
  overrideProblem,
  parseTestOverride,
  type TestSelectionInput,
} from '../../src/reports/testSelection';

const input = (over: Partial<TestSelectionInput>): TestSelectionInput => ({
  kind: 'numeric',
  referenceDistinct: 100,
  referenceValues: 500,
  currentValues: 500,
  ...over,
});

describe('test selection rule', () => {
  it.each([
    ['numeric, small', input({}), 'ks', 'p-value below threshold', 0.05],
    [
      'categorical, small',
      input({ kind: 'categorical', referenceDistinct: 12 }),
      'chi2',
      'p-value below threshold',
      0.05,
    ],
    [
      'numeric with 5 distinct values, small',
      input({ referenceDistinct: 5 }),
      'chi2',
      'p-value below threshold',
      0.05,
    ],
    [
      'numeric, large',
      input({ referenceValues: 5000, currentValues: 1001 }),
      'wasserstein',
      'distance at or above threshold',
      0.1,
    ],
    [
      'categorical, large',
      input({ kind: 'categorical', referenceDistinct: 3, referenceValues: 5000, currentValues: 5000 }),
      'js',
      'distance at or above threshold',
      0.1,
    ],
    [
      'numeric with 2 distinct values, large',
      input({ referenceDistinct: 2, referenceValues: 5000, currentValues: 5000 }),
      'js',
      'distance at or above threshold',
      0.1,
    ],
    [
      'numeric, too many distinct values to count',
      input({ referenceDistinct: null, referenceValues: 50_000, currentValues: 50_000 }),
      'wasserstein',
      'distance at or above threshold',
      0.1,
    ],
  ])('%s', (_name, column, metric, rule, threshold) => {
    expect(chooseTest(column, DEFAULT_LIMITS)).toMatchObject({ metric, rule, threshold, forced: false });
  });

  it('decides by the smaller sample: a large reference against a small current gets a test', () => {
    const choice = chooseTest(input({ referenceValues: 100_000, currentValues: 1000 }), DEFAULT_LIMITS);
    expect(choice).toMatchObject({ metric: 'ks', reason: 'numeric, n = 1000 <= 1000' });
    expect(chooseTest(input({ referenceValues: 1001, currentValues: 1001 }), DEFAULT_LIMITS).reason).toBe(
      'numeric, n = 1001 > 1000',
    );
    expect(chooseTest(input({ referenceDistinct: 3 }), DEFAULT_LIMITS).reason).toBe(
      'numeric with 3 <= 5 distinct values, n = 500 <= 1000',
    );
  });

  it('takes a forced test with its default or given threshold', () => {
    expect(chooseTest(input({}), DEFAULT_LIMITS, { metric: 'psi' })).toEqual({
      metric: 'psi',
      threshold: 0.1,
      rule: 'distance at or above threshold',
      forced: true,
      reason: 'forced with --test',
    });
    expect(chooseTest(input({}), DEFAULT_LIMITS, { metric: 'chi2', threshold: 0.01 })).toMatchObject({
      metric: 'chi2',
      threshold: 0.01,
      rule: 'p-value below threshold',
    });
  });

  it('follows the limits it is given', () => {
    expect(chooseTest(input({}), { smallSampleMax: 100, discreteMaxDistinct: 5 }).metric).toBe('wasserstein');
    expect(
      chooseTest(input({ referenceDistinct: 8 }), { smallSampleMax: 1000, discreteMaxDistinct: 10 }).metric,
    ).toBe('chi2');
  });

  it('decides drift by p-value for tests and by size for distances; no decision without a score', () => {
    const test = { rule: 'p-value below threshold', threshold: 0.05 } as const;
    const distance = { rule: 'distance at or above threshold', threshold: 0.1 } as const;
    expect(isDrifted(test, 0.049)).toBe(true);
    expect(isDrifted(test, 0.05)).toBe(false);
    expect(isDrifted(distance, 0.1)).toBe(true);
    expect(isDrifted(distance, 0.0999)).toBe(false);
    expect(isDrifted(distance, NaN)).toBeNull();
  });

  it('parses --test flags and explains bad ones', () => {
    expect(parseTestOverride('age=psi')).toEqual({ column: 'age', override: { metric: 'psi' } });
    expect(parseTestOverride('age=psi:0.25')).toEqual({
      column: 'age',
      override: { metric: 'psi', threshold: 0.25 },
    });
    expect(parseTestOverride('a=b=ks')).toEqual({ column: 'a=b', override: { metric: 'ks' } });
    expect(parseTestOverride('age')).toMatch(/is not column=test/);
    expect(parseTestOverride('=psi')).toMatch(/is not column=test/);
    expect(parseTestOverride('age=median')).toMatch(/"median" is not a test: one of tvd, hellinger/);
    expect(parseTestOverride('age=psi:')).toMatch(/threshold "" is not/);
    expect(parseTestOverride('age=psi:-1')).toMatch(/threshold "-1" is not/);
    expect(parseTestOverride('age=ks:2')).toMatch(/p-value: its threshold must be in \[0, 1\]/);
    expect(parseTestOverride('age=ks:0.1:2')).toMatch(/more than one ":"/);
  });

  it('refuses order-based measures on categories', () => {
    expect(overrideProblem('categorical', { metric: 'ks' })).toMatch(/needs ordered values/);
    expect(overrideProblem('categorical', { metric: 'wasserstein' })).toMatch(/needs ordered values/);
    expect(overrideProblem('categorical', { metric: 'psi' })).toBeNull();
    expect(overrideProblem('numeric', { metric: 'chi2' })).toBeNull();
  });

  it('states the rule in one line', () => {
    expect(describeRule(DEFAULT_LIMITS)).toBe(
      'n <= 1000: ks (numeric), chi2 (categorical or <= 5 distinct values), drift when p < 0.05; n > 1000: wasserstein / reference std (numeric), js (categorical), drift when >= 0.1',
    );
  });
});
