import { checkOptions, compareDatasets, resolveLimits, type CompareOptions } from './compareDatasets';
import { collectCsvFiles, type ProgressListener } from './csvColumns';
import type { ComparisonReport } from './types';

/**
 * Batch reports: a current dataset compared with a reference (the Evidently recipe). Two entry
 * points with one result shape (types.ts):
 *   compareRows(referenceRows, currentRows, options)      rows in memory (an API body), synchronous;
 *   compareCsvFiles(referencePath, currentPath, options)  CSV files, streamed in bounded memory.
 * renderReport prints a result as the CLI's tables.
 */

export async function compareCsvFiles(
  referencePath: string,
  currentPath: string,
  options: CompareOptions & { onProgress?: ProgressListener } = {},
): Promise<ComparisonReport> {
  const limits = resolveLimits(options);
  const collected = await collectCsvFiles(referencePath, currentPath, {
    limits,
    check: (referenceColumns, currentColumns) => checkOptions(referenceColumns, currentColumns, options),
    onProgress: options.onProgress,
  });
  return compareDatasets(collected, options);
}

export {
  compareRows,
  compareDatasets,
  checkOptions,
  DEFAULT_DRIFT_SHARE,
  DEFAULT_LIMITS,
  type CompareOptions,
  type Row,
} from './compareDatasets';
export { CSV_MISSING_MARKERS, type ProgressListener, type ScanProgress } from './csvColumns';
export { progressReporter } from './progress';
export { renderReport } from './reportTable';
export {
  chooseTest,
  parseTestOverride,
  describeRule,
  type TestOverride,
  type TestChoice,
} from './testSelection';
export type * from './types';
