import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InvalidInputError, UnprocessableError } from '../../src/errors';
import { computeReference } from '../../src/monitoring/reference/computeReference';
import type {
  CategoricalColumnStatistics,
  NumericColumnStatistics,
} from '../../src/monitoring/reference/types';
import { compareCsvFiles, compareRows, type Row } from '../../src/reports';

const FIXTURES = join(__dirname, '..', 'fixtures', 'compare');

/** A deterministic pseudo-random stream (LCG), so the rows are the same on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function rows(count: number, shift: number, seed: number): Row[] {
  const next = lcg(seed);
  return Array.from({ length: count }, (_, i) => ({
    a: next() * 10 + shift,
    b: next() * 10,
    c: next() * 10,
    d: next() < 0.5 ? 'x' : 'y',
    label: next() < 0.5 ? 'yes' : 'no',
    score: next() + shift / 10,
    id: `row-${seed}-${i}`,
  }));
}

/** The fixture's rows read by csv-parse's sync API (not the streaming reader under test), missing cells as ''. */
function readRows(file: string): Row[] {
  return parse(readFileSync(join(FIXTURES, file)), { columns: true }) as Row[];
}

describe('compareRows (the in-memory entry point)', () => {
  it('reports features in order, then target and prediction, with the share and verdicts', () => {
    const report = compareRows(rows(400, 0, 1), rows(400, 5, 2), {
      target: 'label',
      prediction: 'score',
      limits: { maxTrackedDistinct: 500 },
    });
    expect(report.columns.map((c) => [c.name, c.role, c.kind, c.test?.metric ?? null])).toEqual([
      ['a', 'feature', 'numeric', 'ks'],
      ['b', 'feature', 'numeric', 'ks'],
      ['c', 'feature', 'numeric', 'ks'],
      ['d', 'feature', 'categorical', 'chi2'],
      ['id', 'feature', 'categorical', 'chi2'],
      ['label', 'target', 'categorical', 'chi2'],
      ['score', 'prediction', 'numeric', 'ks'],
    ]);
    const byName = Object.fromEntries(report.columns.map((c) => [c.name, c]));
    expect(byName.a.test?.drifted).toBe(true);
    expect(byName.b.test?.drifted).toBe(false);
    expect(byName.d.test?.drifted).toBe(false);
    // An identifier: its 50 kept categories hold one row each, so chi2 sees little shift;
    // data quality is what shows that every current value is new.
    expect(byName.id.test?.drifted).toBe(false);
    expect(byName.id.quality.outOfRangeShare).toBe(1);
    expect(byName.score.test?.drifted).toBe(true);
    expect(report.summary).toEqual({
      featureColumns: 5,
      testedFeatures: 5,
      driftedFeatures: 1,
      driftedShare: 0.2,
      driftShareThreshold: 0.5,
      datasetDrift: false,
      targetDrift: false,
      predictionDrift: true,
      drift: true,
      reasons: ['the prediction "score" drifted'],
    });
    expect(report.reference).toEqual({
      source: 'reference',
      rows: 400,
      columns: ['a', 'b', 'c', 'd', 'label', 'score', 'id'],
    });
  });

  it('applies the drift share, and skips identifier columns past the tracked maximum', () => {
    const report = compareRows(rows(400, 5, 1), rows(400, 0, 2), {
      driftShare: 0.25,
      limits: { maxTrackedDistinct: 100 },
    });
    const id = report.columns.find((c) => c.name === 'id');
    expect(id?.test).toBeNull();
    expect(id?.skipped).toBe('more than 100 distinct values (an identifier or free text?)');
    // a and score drifted out of a, b, c, d, label, score.
    expect(report.summary).toMatchObject({
      testedFeatures: 6,
      driftedFeatures: 2,
      datasetDrift: true,
      drift: true,
    });
    expect(report.summary.reasons).toEqual(['2 of 6 feature columns drifted (33.3% >= 25.0%)']);
  });

  it('bins exactly as Driftwatch reference statistics do, in one pass or two', () => {
    const reference = rows(300, 0, 3);
    const statistics = computeReference(reference, {
      features: [
        { name: 'a', kind: 'numeric' },
        { name: 'd', kind: 'categorical' },
      ],
      predictions: [],
      labels: [],
    }).features;
    const expectedA = statistics.find((c) => c.name === 'a') as NumericColumnStatistics;
    const expectedD = statistics.find((c) => c.name === 'd') as CategoricalColumnStatistics;
    // Default limits: histograms from pass 1's frequencies. Tiny limits: a second pass counts them.
    for (const limits of [{}, { rawValueLimit: 0, maxTrackedDistinct: 2 }]) {
      const report = compareRows(reference, rows(300, 1, 4), { limits });
      const a = report.columns.find((c) => c.name === 'a');
      const d = report.columns.find((c) => c.name === 'd');
      expect(a?.bins).toEqual({ edges: expectedA.edges });
      expect(a?.histograms?.reference).toEqual(expectedA.counts);
      expect(d?.bins).toEqual({ categories: expectedD.categories });
      expect(d?.histograms?.reference).toEqual(expectedD.counts);
    }
  });

  it('computes ks and wasserstein on raw values when small, on the bins otherwise', () => {
    const reference = rows(200, 0, 5);
    const current = rows(200, 0.3, 6);
    const raw = compareRows(reference, current, { tests: { a: { metric: 'wasserstein' } } });
    const binned = compareRows(reference, current, {
      tests: { a: { metric: 'wasserstein' } },
      limits: { rawValueLimit: 100 },
    });
    const rawA = raw.columns[0].test;
    const binnedA = binned.columns[0].test;
    expect(rawA?.method).toMatchObject({
      values: 'raw',
      bins: 'raw values, no binning (both samples have <= 10000 values)',
    });
    expect(binnedA?.method).toMatchObject({
      values: 'binned',
      bins: 'reference: 20 equal-width bins over the training range + 2 open outer bins',
    });
    // Binning moves each value by at most half a bin (10 / 20 / 2 here) and so the distance by as much.
    expect(Math.abs((rawA?.statistic ?? 0) - (binnedA?.statistic ?? 0))).toBeLessThan(0.25);
    expect(raw.columns[1].test?.method.values).toBe('raw');
    expect(binned.columns[1].test?.method.values).toBe('binned');
  });

  it('treats numeric columns with few distinct values as categories, and booleans as categorical', () => {
    const make = (n: number, p: number) =>
      Array.from({ length: n }, (_, i) => ({ cylinders: [4, 6, 8][i % 3], flag: i / n < p }));
    const report = compareRows(make(300, 0.5), make(300, 0.2));
    expect(report.columns.map((c) => [c.name, c.kind, c.test?.metric, c.test?.reason])).toEqual([
      ['cylinders', 'numeric', 'chi2', 'numeric with 3 <= 5 distinct values, n = 300 <= 1000'],
      ['flag', 'categorical', 'chi2', 'categorical, n = 300 <= 1000'],
    ]);
    expect(report.columns[1].test?.drifted).toBe(true);
  });

  it('leaves undecided a column the current lacks values for, outside the share', () => {
    const report = compareRows(
      Array.from({ length: 50 }, (_, i) => ({ x: i, y: i % 7 === 0 ? 'a' : 'b', only: 1 })),
      Array.from({ length: 50 }, (_, i) => ({ x: '', y: i % 7 === 0 ? 'a' : 'b', extra: 2 })),
      { sharedColumns: true },
    );
    expect(report.columns[0]).toMatchObject({
      name: 'x',
      skipped: 'no current values to compare',
      test: { drifted: null, score: null },
    });
    expect(report.columns[0].quality.currentMissingShare).toBe(1);
    expect(report.summary).toMatchObject({
      featureColumns: 2,
      testedFeatures: 1,
      driftedFeatures: 0,
      driftedShare: 0,
    });
    expect(report.schema).toEqual({ onlyInReference: ['only'], onlyInCurrent: ['extra'] });
  });

  it('rejects datasets with different columns, naming them, unless asked to compare the shared ones', () => {
    const reference = [{ x: 1, y: 'a', only: 1 }];
    const current = [{ x: 2, y: 'b', extra: 2, more: 3 }];
    expect(() => compareRows(reference, current)).toThrow(
      'the datasets have different columns (only in the reference: "only"; only in the current: "extra", "more")',
    );
    expect(compareRows(reference, current, { sharedColumns: true }).columns.map((c) => c.name)).toEqual([
      'x',
      'y',
    ]);
  });

  it('rejects options naming absent columns, wrong tests, and empty datasets', () => {
    const some = [{ x: 1, c: 'a' }];
    expect(() => compareRows(some, some, { target: 'nope' })).toThrow(InvalidInputError);
    expect(() => compareRows(some, [{ x: 1 }], { prediction: 'c' })).toThrow(
      'column "c" is not in the current dataset',
    );
    expect(() => compareRows(some, some, { target: 'x', prediction: 'x' })).toThrow('different columns');
    expect(() => compareRows(some, some, { driftShare: 0 })).toThrow('0 is not in (0, 1]');
    expect(() => compareRows(some, some, { tests: { c: { metric: 'ks' } } })).toThrow(
      '--test c=ks: ks needs ordered values',
    );
    expect(() => compareRows([], some)).toThrow(UnprocessableError);
    expect(() => compareRows(some, [])).toThrow('the current dataset has no rows');
  });

  it('returns plain JSON data, so the API can store it as a snapshot as it is', () => {
    const report = compareRows(rows(300, 0, 7), rows(300, 2, 8), {
      target: 'label',
      limits: { maxTrackedDistinct: 100 },
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('gives the same report for rows in memory as for the same rows streamed from CSV files', async () => {
    for (const pair of ['no-drift', 'drift']) {
      const files = [join(FIXTURES, `${pair}-reference.csv`), join(FIXTURES, `${pair}-current.csv`)];
      const fromFiles = await compareCsvFiles(files[0], files[1]);
      const fromRows = compareRows(readRows(`${pair}-reference.csv`), readRows(`${pair}-current.csv`), {
        referenceSource: files[0],
        currentSource: files[1],
      });
      expect(fromRows).toEqual(fromFiles);
    }
  });
});
