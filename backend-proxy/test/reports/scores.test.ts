import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DriftMetric } from '../../src/monitoring/drift/registry';
import {
  compareCsvFiles,
  type ColumnTestResult,
  type ComparisonReport,
  type TestOverride,
} from '../../src/reports';
import { kolmogorovSmirnovOnValues, wassersteinOnValues } from '../../src/reports/rawValueDistances';

/**
 * The report's scores on the committed CSV pairs against numpy / scipy
 * (scripts/generate-compare-expectations.py -> test/fixtures/compare/expected-scores.json).
 */

const FIXTURES = join(__dirname, '..', 'fixtures', 'compare');

interface TestValue {
  statistic: number;
  pValue: number;
}
interface NumericExpectation {
  kind: 'numeric';
  ks: TestValue;
  wassersteinNormed: number;
  binned: { ks: TestValue; wassersteinNormed: number; js: number; chi2: TestValue; psi: number };
}
interface CategoricalExpectation {
  kind: 'categorical';
  categories: string[];
  chi2: TestValue;
  js: number;
  psi: number;
}
interface Expected {
  pairs: Record<
    string,
    {
      referenceRows: number;
      currentRows: number;
      columns: Record<string, NumericExpectation | CategoricalExpectation>;
    }
  >;
}

const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected-scores.json'), 'utf8')) as Expected;

/** Relative 1e-9, with an absolute floor of 1e-300 for subnormal p-values (the tails of temp_max's ks). */
function expectClose(actual: number | null | undefined, wanted: number, what: string): void {
  if (typeof actual !== 'number' || !(Math.abs(actual - wanted) <= 1e-9 * Math.abs(wanted) + 1e-300)) {
    throw new Error(`${what}: ${actual} != ${wanted}`);
  }
}

function expectTest(test: ColumnTestResult | null, wanted: TestValue, what: string): void {
  expectClose(test?.statistic, wanted.statistic, `${what} statistic`);
  expectClose(test?.pValue, wanted.pValue, `${what} p-value`);
  expect(test?.score).toBe(test?.pValue);
}

function run(pair: string, options: Parameters<typeof compareCsvFiles>[2] = {}): Promise<ComparisonReport> {
  return compareCsvFiles(
    join(FIXTURES, `${pair}-reference.csv`),
    join(FIXTURES, `${pair}-current.csv`),
    options,
  );
}

function forceAll(
  pair: string,
  numeric: DriftMetric,
  categorical: DriftMetric,
): Record<string, TestOverride> {
  return Object.fromEntries(
    Object.entries(expected.pairs[pair].columns).map(([name, column]) => [
      name,
      { metric: column.kind === 'numeric' ? numeric : categorical },
    ]),
  );
}

describe.each(['no-drift', 'drift'])('scores on the %s pair agree with scipy', (pair) => {
  const columns = Object.entries(expected.pairs[pair].columns);
  const test = (report: ComparisonReport, name: string) =>
    report.columns.find((c) => c.name === name)?.test ?? null;

  it('by the rule (raw values for ks and wasserstein)', async () => {
    const report = await run(pair);
    expect(report.reference.rows).toBe(expected.pairs[pair].referenceRows);
    expect(report.current.rows).toBe(expected.pairs[pair].currentRows);
    for (const [name, column] of columns) {
      const t = test(report, name);
      if (column.kind === 'numeric') {
        if (t?.metric === 'ks') expectTest(t, column.ks, `${name} ks`);
        else expectClose(t?.score, column.wassersteinNormed, `${name} wasserstein normed`);
      } else {
        expect(report.columns.find((c) => c.name === name)?.bins).toEqual({ categories: column.categories });
        if (t?.metric === 'chi2') expectTest(t, column.chi2, `${name} chi2`);
        else expectClose(t?.score, column.js, `${name} js`);
      }
    }
  });

  it('forced ks and wasserstein, on raw values and on the bins', async () => {
    const numeric = columns.filter(([, c]) => c.kind === 'numeric') as Array<[string, NumericExpectation]>;
    for (const metric of ['ks', 'wasserstein'] as const) {
      const tests = Object.fromEntries(numeric.map(([name]) => [name, { metric }]));
      const raw = await run(pair, { tests });
      const binned = await run(pair, { tests, limits: { rawValueLimit: 0 } });
      for (const [name, column] of numeric) {
        if (metric === 'ks') {
          expectTest(test(raw, name), column.ks, `${name} raw ks`);
          expectTest(test(binned, name), column.binned.ks, `${name} binned ks`);
        } else {
          expectClose(test(raw, name)?.score, column.wassersteinNormed, `${name} raw wasserstein`);
          expectClose(
            test(binned, name)?.score,
            column.binned.wassersteinNormed,
            `${name} binned wasserstein`,
          );
        }
      }
    }
  });

  it('forced js, chi2 and psi on the bins', async () => {
    for (const metric of ['js', 'chi2', 'psi'] as const) {
      const report = await run(pair, { tests: forceAll(pair, metric, metric) });
      for (const [name, column] of columns) {
        const wanted = column.kind === 'numeric' ? column.binned[metric] : column[metric];
        if (typeof wanted === 'number') expectClose(test(report, name)?.score, wanted, `${name} ${metric}`);
        else expectTest(test(report, name), wanted, `${name} ${metric}`);
      }
    }
  });
});

describe('raw-value measures on hand-checked samples', () => {
  it('handles ties and unequal sizes as scipy.stats.ks_2samp and wasserstein_distance do', () => {
    // ks_2samp([1, 2, 2, 3], [2, 2, 4]).statistic = 1/3: the CDFs after 1: 1/4 vs 0, after 2: 3/4 vs 2/3, after 3: 1 vs 2/3.
    expect(kolmogorovSmirnovOnValues([1, 2, 2, 3], [2, 2, 4]).statistic).toBeCloseTo(1 / 3, 15);
    // wasserstein_distance([0, 1, 3], [5, 6, 8]) = 5 (a shift by 5).
    expect(wassersteinOnValues([0, 1, 3], [5, 6, 8])).toBeCloseTo(5, 14);
    // wasserstein_distance([0, 0, 1], [1]) = 2/3.
    expect(wassersteinOnValues([0, 0, 1], [1])).toBeCloseTo(2 / 3, 15);
    expect(kolmogorovSmirnovOnValues([1, 2], [1, 2])).toEqual({ statistic: 0, pValue: 1, exact: true });
    expect(kolmogorovSmirnovOnValues([], [1]).statistic).toBeNaN();
    expect(wassersteinOnValues([1], [])).toBeNaN();
    // Sorting must be numeric, not by text ("10" < "9").
    expect(wassersteinOnValues([9, 10], [9, 10])).toBe(0);
  });
});
