import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { DomainError, InvalidInputError } from '../errors';
import { DatasetCollector, type CollectedDatasets, type CollectorLimits } from './datasetCollector';

/**
 * Reads two CSV files for a comparison without holding their rows: each pass streams a file
 * through csv-parse and hands every record to a DatasetCollector, which keeps per-column counts
 * (bounded, see ColumnProfiler). The reference is read once, or twice when a numeric column has
 * too many distinct values to count its histogram from pass 1; the current file once.
 *
 * CSV conventions: the first row is the header (names unique and non-empty); every record has as
 * many cells as the header (csv-parse's strict default: a short row is an input error, not a
 * silent shift); a UTF-8 BOM is skipped, blank lines too. A cell is missing when empty or one of
 * CSV_MISSING_MARKERS, the texts pandas and R write for missing values. Cells are otherwise kept
 * as text, so kinds and categories follow Driftwatch's rules (columnValues.ts).
 */

export const CSV_MISSING_MARKERS: ReadonlySet<string> = new Set([
  '',
  'NA',
  'N/A',
  'NaN',
  'nan',
  'null',
  'NULL',
]);

/** Rows parsed from CSV text with the same missing-value rule as the streamed reader: markers become null. */
export function withMissingMarkers<R extends Record<string, unknown>>(rows: R[]): R[] {
  for (const row of rows) {
    for (const key in row)
      if (typeof row[key] === 'string' && CSV_MISSING_MARKERS.has(row[key] as string))
        (row as Record<string, unknown>)[key] = null;
  }
  return rows;
}

export interface ScanProgress {
  file: string;
  /** What this pass does, e.g. "reading reference". */
  pass: string;
  bytesRead: number;
  totalBytes: number;
  done: boolean;
}

export type ProgressListener = (progress: ScanProgress) => void;

export type CsvCell = string | null;

const READ_CHUNK_BYTES = 1 << 20;

/** The size of a readable regular file; a clear input error otherwise. */
export async function csvFileSize(path: string, role: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    return info.size;
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new InvalidInputError(`cannot read the ${role} file "${path}": ${reason}`);
  }
}

export interface ScanOptions {
  pass?: string;
  onProgress?: ProgressListener;
  headerOnly?: boolean;
  /** The bytes are gzip-compressed (progress counts compressed bytes). */
  gunzip?: boolean;
  /** Trim spaces around cells and header names (as reference CSV bodies always were). */
  trim?: boolean;
}

/**
 * Streams the records of a CSV file after its header: `visit` gets each record's cells (missing
 * markers as null), in header order. Resolves with the header and the number of records.
 */
export async function scanCsv(
  path: string,
  visit: (cells: readonly CsvCell[]) => void,
  options: ScanOptions = {},
): Promise<{ header: string[]; records: number }> {
  const totalBytes = await csvFileSize(path, 'CSV');
  return scanCsvStream(createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }), visit, {
    ...options,
    file: path,
    totalBytes,
  });
}

/** As scanCsv, from any byte stream (an upload spooled to disk, a stored artifact); `totalBytes` for progress. */
export async function scanCsvStream(
  input: Readable,
  visit: (cells: readonly CsvCell[]) => void,
  options: ScanOptions & { file: string; totalBytes: number },
): Promise<{ header: string[]; records: number }> {
  const { file: path, totalBytes } = options;
  const pass = options.pass ?? 'reading';
  const parser = parse({ bom: true, skip_empty_lines: true, trim: options.trim ?? false });
  const decoded = options.gunzip ? input.pipe(createGunzip()) : input;
  let bytesRead = 0;
  input.on('error', (err) => parser.destroy(err));
  if (decoded !== input) decoded.on('error', (err) => parser.destroy(err));
  const report = (done: boolean) => options.onProgress?.({ file: path, pass, bytesRead, totalBytes, done });
  input.on('data', (chunk: Buffer) => {
    bytesRead += chunk.length;
    report(false);
  });
  decoded.pipe(parser);
  let header: string[] | null = null;
  let records = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = checkedHeader(record);
        if (options.headerOnly) break;
        continue;
      }
      // Reuse csv-parse's array: mark missing cells in place rather than copying every record.
      const cells: CsvCell[] = record;
      for (let i = 0; i < cells.length; i++) if (CSV_MISSING_MARKERS.has(record[i])) cells[i] = null;
      visit(cells);
      records += 1;
    }
  } catch (err) {
    // Errors of `visit` (e.g. a column that cannot be binned) are the caller's, not the file's.
    if (err instanceof DomainError) throw err;
    throw new InvalidInputError(`"${path}" is not a readable CSV file: ${(err as Error).message}`);
  } finally {
    input.destroy();
    if (decoded !== input) decoded.destroy();
  }
  if (!header) throw new InvalidInputError(`"${path}" is empty: a CSV file needs a header row`);
  report(true);
  return { header, records };
}

export async function readCsvHeader(path: string): Promise<string[]> {
  return (await scanCsv(path, () => undefined, { headerOnly: true })).header;
}

function checkedHeader(record: string[]): string[] {
  const seen = new Set<string>();
  record.forEach((name, i) => {
    if (name.trim() === '') {
      throw new Error(`header cell ${i + 1} is empty (an unnamed index column? write the file without it)`);
    }
    if (seen.has(name)) throw new Error(`column "${name}" appears twice in the header`);
    seen.add(name);
  });
  return record;
}

export interface CollectCsvOptions {
  limits: CollectorLimits;
  /** Called with both headers before any data is read, to reject bad options early (throw to stop). */
  check?: (referenceColumns: string[], currentColumns: string[]) => void;
  onProgress?: ProgressListener;
}

/** Runs the comparison's passes over two CSV files (see DatasetCollector). */
export async function collectCsvFiles(
  referencePath: string,
  currentPath: string,
  options: CollectCsvOptions,
): Promise<CollectedDatasets> {
  await csvFileSize(referencePath, 'reference');
  await csvFileSize(currentPath, 'current');
  const referenceColumns = await readCsvHeader(referencePath);
  const currentColumns = await readCsvHeader(currentPath);
  options.check?.(referenceColumns, currentColumns);
  const collector = new DatasetCollector(
    { source: referencePath, columns: referenceColumns },
    { source: currentPath, columns: currentColumns },
    options.limits,
  );
  const onProgress = options.onProgress;
  await scanCsv(referencePath, (cells) => collector.addReference(cells), {
    pass: 'reading reference',
    onProgress,
  });
  if (collector.finishReference()) {
    await scanCsv(referencePath, (cells) => collector.addReferenceAgain(cells), {
      pass: 'binning reference',
      onProgress,
    });
  }
  await scanCsv(currentPath, (cells) => collector.addCurrent(cells), { pass: 'reading current', onProgress });
  return collector.result();
}
