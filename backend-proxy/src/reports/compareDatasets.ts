import { InvalidInputError, UnprocessableError } from '../errors';
import { binPositions } from '../monitoring/analysis/columnDrift';
import { computeDriftScore, type DriftMethod, type DriftScore } from '../monitoring/drift/registry';
import { CATEGORICAL_BINS_DESCRIPTION, NUMERIC_BINS_DESCRIPTION } from '../monitoring/reference/types';
import { mean, sampleStd } from '../monitoring/stats/moments';
import type { ColumnBins } from './columnBins';
import { distinctOf, profileKind, type ColumnProfile } from './columnProfile';
import { columnQuality } from './dataQuality';
import { DatasetCollector, type CollectedColumn, type CollectedDatasets } from './datasetCollector';
import { kolmogorovSmirnovOnValues, wassersteinOnValues } from './rawValueDistances';
import { chooseTest, isDrifted, overrideProblem, type TestChoice, type TestOverride } from './testSelection';
import type {
  ColumnKind,
  ColumnReport,
  ColumnRole,
  ColumnSummary,
  ColumnTestResult,
  ComparisonLimits,
  ComparisonReport,
  ComparisonSummary,
  ReportMethod,
} from './types';

/**
 * A batch comparison of a current dataset with a reference, column by column: the test the rule
 * (testSelection.ts) or the caller picks, its score and verdict, data quality, and the dataset
 * verdict. Pure: `compareDatasets` works on collected statistics (from files or from rows),
 * `compareRows` is the in-memory entry point.
 *
 * Dataset verdict, as Evidently's: drift when the share of drifted feature columns (among those
 * that could be tested) is at least `driftShare` (0.5). The target and the prediction are reported
 * on their own, not counted in that share; their drift also counts as drift in `summary.drift`
 * (the CLI's exit status), since a shifted prediction is what a pipeline most wants to stop on.
 */

export type Row = Record<string, unknown>;

export interface CompareOptions {
  target?: string;
  prediction?: string;
  /** Forced tests by column name (see testSelection.ts for the defaults they replace). */
  tests?: Readonly<Record<string, TestOverride>>;
  /** Dataset drift when at least this share of the tested feature columns drifted; default 0.5. */
  driftShare?: number;
  /** Compare only the columns both datasets have; without it, different columns are an error. */
  sharedColumns?: boolean;
  limits?: Partial<ComparisonLimits>;
}

export const DEFAULT_DRIFT_SHARE = 0.5;
export const DEFAULT_LIMITS: Readonly<ComparisonLimits> = Object.freeze({
  // Evidently's: KS / chi-squared up to 1,000 values, a column with at most 5 distinct values is discrete.
  smallSampleMax: 1000,
  discreteMaxDistinct: 5,
  rawValueLimit: 10_000,
  maxTrackedDistinct: 10_000,
});
/** Evidently's floor for the std that normalises Wasserstein (a constant reference column). */
export const MIN_NORMALISING_STD = 0.001;

export function resolveLimits(options: CompareOptions): ComparisonLimits {
  return { ...DEFAULT_LIMITS, ...options.limits };
}

/**
 * Checks the options against the two datasets' columns, so a CLI can fail before reading files:
 * both must have the same columns (unless `sharedColumns`), and target, prediction and forced
 * tests must name columns of both.
 */
export function checkOptions(
  referenceColumns: readonly string[],
  currentColumns: readonly string[],
  options: CompareOptions,
): void {
  const problems: Array<{ path: string; message: string }> = [];
  const reference = new Set(referenceColumns);
  const current = new Set(currentColumns);
  // A dataset without rows has no columns to compare; its emptiness is reported on its own.
  if (!options.sharedColumns && referenceColumns.length > 0 && currentColumns.length > 0) {
    const onlyInReference = referenceColumns.filter((c) => !current.has(c));
    const onlyInCurrent = currentColumns.filter((c) => !reference.has(c));
    const list = (columns: string[]) => columns.map((c) => `"${c}"`).join(', ');
    if (onlyInReference.length > 0 || onlyInCurrent.length > 0)
      problems.push({
        path: 'columns',
        message: `the datasets have different columns (${[
          onlyInReference.length ? `only in the reference: ${list(onlyInReference)}` : '',
          onlyInCurrent.length ? `only in the current: ${list(onlyInCurrent)}` : '',
        ]
          .filter(Boolean)
          .join('; ')}); to compare the shared columns only, ask for sharedColumns (--shared-columns)`,
      });
  }
  const requireShared = (path: string, column: string) => {
    const inReference = reference.has(column);
    const inCurrent = current.has(column);
    if (inReference && inCurrent) return;
    const where =
      !inReference && !inCurrent
        ? 'in neither the reference nor the current dataset'
        : `not in the ${inReference ? 'current' : 'reference'} dataset`;
    problems.push({ path, message: `column "${column}" is ${where}` });
  };
  if (options.target !== undefined) requireShared('target', options.target);
  if (options.prediction !== undefined) requireShared('prediction', options.prediction);
  if (options.target !== undefined && options.target === options.prediction) {
    problems.push({ path: 'prediction', message: 'the target and the prediction must be different columns' });
  }
  for (const column of Object.keys(options.tests ?? {})) requireShared(`test.${column}`, column);
  const share = options.driftShare ?? DEFAULT_DRIFT_SHARE;
  if (!(share > 0 && share <= 1)) problems.push({ path: 'driftShare', message: `${share} is not in (0, 1]` });
  if (problems.length > 0) throw new InvalidInputError(problems.map((p) => p.message).join('; '), problems);
}

export function compareDatasets(
  collected: CollectedDatasets,
  options: CompareOptions = {},
): ComparisonReport {
  checkOptions(collected.reference.columns, collected.current.columns, options);
  if (collected.reference.rows === 0) throw new UnprocessableError('the reference has no rows');
  if (collected.current.rows === 0) throw new UnprocessableError('the current dataset has no rows');
  const limits = resolveLimits(options);
  const roleOf = (name: string): ColumnRole =>
    name === options.target ? 'target' : name === options.prediction ? 'prediction' : 'feature';
  const reports = collected.columns.map((column) =>
    columnReport(column, roleOf(column.name), options.tests?.[column.name], limits),
  );
  const order: Record<ColumnRole, number> = { feature: 0, target: 1, prediction: 2 };
  // Stable sort: features keep the reference's column order.
  reports.sort((a, b) => order[a.role] - order[b.role]);
  return {
    reference: collected.reference,
    current: collected.current,
    columns: reports,
    schema: { onlyInReference: collected.onlyInReference, onlyInCurrent: collected.onlyInCurrent },
    summary: summarise(reports, options.driftShare ?? DEFAULT_DRIFT_SHARE),
    limits,
  };
}

/** The in-memory entry point: rows as objects (e.g. a JSON body); their columns are the union of their keys. */
export function compareRows(
  referenceRows: readonly Row[],
  currentRows: readonly Row[],
  options: CompareOptions & { referenceSource?: string; currentSource?: string } = {},
): ComparisonReport {
  const limits = resolveLimits(options);
  const referenceColumns = columnsOf(referenceRows);
  const currentColumns = columnsOf(currentRows);
  checkOptions(referenceColumns, currentColumns, options);
  const collector = new DatasetCollector(
    { source: options.referenceSource ?? 'reference', columns: referenceColumns },
    { source: options.currentSource ?? 'current', columns: currentColumns },
    limits,
  );
  for (const row of referenceRows) collector.addReference(referenceColumns.map((c) => row[c]));
  if (collector.finishReference()) {
    for (const row of referenceRows) collector.addReferenceAgain(referenceColumns.map((c) => row[c]));
  }
  for (const row of currentRows) collector.addCurrent(currentColumns.map((c) => row[c]));
  return compareDatasets(collector.result(), options);
}

function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

function columnReport(
  column: CollectedColumn,
  role: ColumnRole,
  override: TestOverride | undefined,
  limits: ComparisonLimits,
): ColumnReport {
  const kind: ColumnKind = column.bins?.kind ?? profileKind(column.reference);
  const base = {
    name: column.name,
    role,
    kind,
    reference: summary(column.reference, kind),
    current: summary(column.current, kind),
    quality: columnQuality(kind, column.reference, column.current, column.currentCounts),
  };
  const { bins, referenceHistogram, currentCounts } = column;
  if (!bins || !referenceHistogram || !currentCounts) {
    return { ...base, test: null, skipped: column.skipped ?? 'no bins', bins: null, histograms: null };
  }
  if (override) {
    const problem = overrideProblem(kind, override);
    if (problem) throw new InvalidInputError(`--test ${column.name}=${override.metric}: ${problem}`);
  }
  const choice = chooseTest(
    {
      kind,
      referenceDistinct: bins.distinct,
      referenceValues: base.reference.values,
      currentValues: base.current.values,
    },
    limits,
    override,
  );
  const test = runTest(choice, bins, column, referenceHistogram, currentCounts.histogram, limits);
  return {
    ...base,
    test,
    // Bins exist, so the reference has values: only the current can lack them.
    skipped: test.drifted === null ? 'no current values to compare' : null,
    bins: bins.kind === 'numeric' ? { edges: bins.edges } : { categories: bins.categories },
    histograms: { reference: referenceHistogram, current: currentCounts.histogram },
  };
}

function runTest(
  choice: TestChoice,
  bins: ColumnBins,
  column: CollectedColumn,
  referenceHistogram: number[],
  currentHistogram: number[],
  limits: ComparisonLimits,
): ColumnTestResult {
  const numeric = bins.kind === 'numeric';
  const rawValues =
    numeric && column.reference.values && column.current.values
      ? { reference: column.reference.values, current: column.current.values }
      : null;
  const binsDescription = numeric ? NUMERIC_BINS_DESCRIPTION : CATEGORICAL_BINS_DESCRIPTION;
  const rawDescription = `raw values, no binning (both samples have <= ${limits.rawValueLimit} values)`;
  let score: DriftScore;
  let values: ReportMethod['values'] = 'binned';
  if (rawValues && choice.metric === 'ks') {
    const { statistic, pValue, exact } = kolmogorovSmirnovOnValues(rawValues.reference, rawValues.current);
    const method: DriftMethod = {
      metric: 'ks',
      description: exact
        ? "Two-sample Kolmogorov-Smirnov statistic on the raw values; exact p-value, as scipy.stats.ks_2samp (method='auto')"
        : "Two-sample Kolmogorov-Smirnov statistic on the raw values; p-value from Kolmogorov's limiting distribution (kstwobign), an approximation: scipy.stats.ks_2samp's 'auto' would use kstwo.sf at these sizes",
      bins: rawDescription,
    };
    score = { metric: 'ks', value: statistic, pValue, method };
    values = 'raw';
  } else if (rawValues && choice.metric === 'wasserstein') {
    const method: DriftMethod = {
      metric: 'wasserstein',
      description: 'Wasserstein-1 distance between the raw values',
      bins: rawDescription,
    };
    score = {
      metric: 'wasserstein',
      value: wassersteinOnValues(rawValues.reference, rawValues.current),
      method,
    };
    values = 'raw';
  } else {
    const positions = bins.kind === 'numeric' ? binPositions(bins.edges) : undefined;
    score = computeDriftScore(
      choice.metric,
      { counts: referenceHistogram, positions },
      { counts: currentHistogram, positions },
      binsDescription,
    );
  }
  const method: ReportMethod = { ...score.method, values };
  const statistic = score.value;
  let compared = score.pValue ?? score.value;
  if (choice.metric === 'wasserstein') {
    const std = Math.max(populationStd(column.reference), MIN_NORMALISING_STD);
    method.normalisation = `divided by the reference's population std (${std}), floored at ${MIN_NORMALISING_STD}`;
    compared = statistic / std;
  }
  return {
    metric: choice.metric,
    forced: choice.forced,
    reason: choice.reason,
    score: finiteOrNull(compared),
    statistic: finiteOrNull(statistic),
    pValue: score.pValue === undefined ? null : finiteOrNull(score.pValue),
    threshold: choice.threshold,
    rule: choice.rule,
    drifted: isDrifted(choice, compared),
    method,
  };
}

/** Population std (ddof 0, as numpy's and Evidently's): two-pass on raw values when kept, else from the running sums. */
function populationStd(profile: ColumnProfile): number {
  const n = profile.numeric;
  if (n === 0) return NaN;
  if (profile.values) {
    const m = profile.values.reduce((total, x) => total + x, 0) / n;
    return Math.sqrt(profile.values.reduce((total, x) => total + (x - m) ** 2, 0) / n);
  }
  return Math.sqrt(Math.max(0, (profile.sumSquares - profile.sum * (profile.sum / n)) / n));
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

function summary(profile: ColumnProfile, kind: ColumnKind): ColumnSummary {
  const numeric = kind === 'numeric' && profile.numeric > 0;
  return {
    rows: profile.rows,
    missing: profile.missing,
    values: kind === 'numeric' ? profile.numeric : profile.numeric + profile.nonNumeric,
    min: numeric ? profile.min : null,
    max: numeric ? profile.max : null,
    mean: numeric ? finiteOrNull(mean(profile.numeric, profile.sum)) : null,
    std: numeric ? finiteOrNull(sampleStd(profile.numeric, profile.sum, profile.sumSquares)) : null,
    distinct: distinctOf(profile),
  };
}

function summarise(columns: ColumnReport[], driftShare: number): ComparisonSummary {
  const features = columns.filter((c) => c.role === 'feature');
  const tested = features.filter((c) => c.test !== null && c.test.drifted !== null);
  const drifted = tested.filter((c) => c.test?.drifted === true);
  const driftedShare = tested.length > 0 ? drifted.length / tested.length : null;
  const datasetDrift = driftedShare !== null && driftedShare >= driftShare;
  const roleDrift = (role: ColumnRole) => columns.find((c) => c.role === role)?.test?.drifted ?? null;
  const targetDrift = roleDrift('target');
  const predictionDrift = roleDrift('prediction');
  const reasons: string[] = [];
  if (datasetDrift) {
    reasons.push(
      `${drifted.length} of ${tested.length} feature columns drifted (${percent(driftedShare)} >= ${percent(driftShare)})`,
    );
  }
  const nameOf = (role: ColumnRole) => columns.find((c) => c.role === role)?.name ?? '';
  if (targetDrift) reasons.push(`the target "${nameOf('target')}" drifted`);
  if (predictionDrift) reasons.push(`the prediction "${nameOf('prediction')}" drifted`);
  return {
    featureColumns: features.length,
    testedFeatures: tested.length,
    driftedFeatures: drifted.length,
    driftedShare,
    driftShareThreshold: driftShare,
    datasetDrift,
    targetDrift,
    predictionDrift,
    drift: reasons.length > 0,
    reasons,
  };
}

export function percent(share: number | null): string {
  return share === null ? 'n/a' : `${(share * 100).toFixed(1)}%`;
}
