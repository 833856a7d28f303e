import { percent } from './compareDatasets';
import { describeRule } from './testSelection';
import type { ColumnReport, ColumnTestResult, ComparisonReport } from './types';

/**
 * The comparison as plain text: a drift table (column, role, kind, values compared, test, score,
 * threshold, drifted), the drifted share and verdicts, a data quality table, notes. Deterministic for a given
 * report (fixed number formats, the report's column order), so it can be diffed and asserted on;
 * ANSI colours only when asked (the CLI asks when stdout is a terminal and NO_COLOR is unset).
 */

export interface RenderOptions {
  color?: boolean;
}

const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';
const LISTED_IN_TABLE = 3;

/** 4 decimals, or 3 significant digits in exponent form below 0.001 (tiny p-values). */
export function formatNumber(x: number | null): string {
  if (x === null) return '-';
  return x === 0 || Math.abs(x) >= 0.001 ? x.toFixed(4) : x.toExponential(2);
}

const formatShare = (share: number | null): string => (share === null ? '-' : percent(share));

export function formatThreshold(test: Pick<ColumnTestResult, 'rule' | 'threshold'>): string {
  return test.rule === 'p-value below threshold' ? `p < ${test.threshold}` : `>= ${test.threshold}`;
}

function drifted(column: ColumnReport): string {
  if (!column.test || column.test.drifted === null) return 'n/a';
  return column.test.drifted ? 'yes' : 'no';
}

/** Left-aligned columns separated by two spaces; `paint` colours a padded cell without breaking alignment. */
function table(
  header: string[],
  rows: string[][],
  paint: (row: number, column: number, cell: string) => string = (_r, _c, cell) => cell,
): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[], row: number) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .map((cell, i) => (row < 0 ? cell : paint(row, i, cell)))
      .join('  ')
      .trimEnd();
  return [line(header, -1), ...rows.map((row, i) => line(row, i))];
}

function newCategories(column: ColumnReport): string {
  const q = column.quality;
  // Numeric columns have no categories; a skipped column was not counted.
  if (column.kind !== 'categorical' || column.bins === null) return '-';
  if (q.newCategoryCount === 0) return 'none';
  const listed = q.newCategories.slice(0, LISTED_IN_TABLE).map((c) => `${c.value} (${c.count})`);
  const more = q.newCategoryCount - listed.length;
  const moreText = more > 0 ? ` +${more}${q.newCategoriesComplete ? '' : '+'} more` : '';
  return `${listed.join(', ')}${moreText}`;
}

export function renderReport(report: ComparisonReport, options: RenderOptions = {}): string {
  const color = options.color === true;
  const paint = (code: string, text: string) => (color ? `${code}${text}${RESET}` : text);
  const out: string[] = [];
  const dataset = (label: string, d: ComparisonReport['reference']) =>
    `${label}${d.source} (${d.rows} rows, ${d.columns.length} columns)`;
  out.push(paint(BOLD, 'Driftwatch compare'));
  out.push(dataset('  reference: ', report.reference));
  out.push(dataset('  current:   ', report.current));
  out.push('');

  out.push(paint(BOLD, 'Column drift'));
  const driftRows = report.columns.map((c) => [
    c.name,
    c.role,
    c.kind,
    `${c.reference.values}/${c.current.values}`,
    c.test ? `${c.test.metric}${c.test.forced ? '*' : ''}` : '-',
    formatNumber(c.test?.score ?? null),
    c.test ? formatThreshold(c.test) : '-',
    drifted(c),
  ]);
  out.push(
    ...table(
      ['column', 'role', 'kind', 'values (ref/cur)', 'test', 'score', 'threshold', 'drifted'],
      driftRows,
      (row, column, cell) => (column === 7 && driftRows[row][7] === 'yes' ? paint(RED, cell) : cell),
    ),
  );
  out.push('');

  const s = report.summary;
  out.push(
    `Drifted feature columns: ${s.driftedFeatures} of ${s.testedFeatures} (${percent(s.driftedShare)}); dataset drift when >= ${percent(s.driftShareThreshold)}`,
  );
  const verdict = (flag: boolean) => (flag ? paint(RED, 'DETECTED') : paint(GREEN, 'not detected'));
  out.push(`Dataset drift: ${verdict(s.datasetDrift)}`);
  for (const role of ['target', 'prediction'] as const) {
    const column = report.columns.find((c) => c.role === role);
    const title = role === 'target' ? 'Target drift' : 'Prediction drift';
    if (!column) out.push(`${title}: no ${role} column given`);
    else {
      const flag = role === 'target' ? s.targetDrift : s.predictionDrift;
      out.push(`${title} (${column.name}): ${flag === null ? 'not tested' : verdict(flag)}`);
    }
  }
  out.push('');

  out.push(paint(BOLD, 'Data quality (current against reference)'));
  out.push(
    ...table(
      ['column', 'missing (ref)', 'missing (cur)', 'out of range', 'not numeric', 'new categories'],
      report.columns.map((c) => [
        c.name,
        formatShare(c.quality.referenceMissingShare),
        formatShare(c.quality.currentMissingShare),
        formatShare(c.quality.outOfRangeShare),
        formatShare(c.quality.nonNumericShare),
        newCategories(c),
      ]),
    ),
  );
  out.push('');

  const notes: string[] = [];
  for (const c of report.columns) if (c.skipped) notes.push(`${c.name}: not tested: ${c.skipped}`);
  if (report.schema.onlyInReference.length > 0)
    notes.push(`only in the reference (not compared): ${report.schema.onlyInReference.join(', ')}`);
  if (report.schema.onlyInCurrent.length > 0)
    notes.push(`only in the current dataset (not compared): ${report.schema.onlyInCurrent.join(', ')}`);
  if (report.columns.some((c) => c.test?.forced)) notes.push('* test forced with --test');
  notes.push(`Tests by rule: ${describeRule(report.limits)}.`);
  notes.push(
    "Score: the p-value for ks and chi2, the distance otherwise; out of range: outside the reference's min-max, or a category it never had.",
  );
  out.push(...notes);
  out.push('');
  out.push(
    s.drift
      ? `Verdict: ${paint(RED, 'DRIFT')}: ${s.reasons.join('; ')}`
      : `Verdict: ${paint(GREEN, 'no drift')}`,
  );
  return `${out.join('\n')}\n`;
}
