import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidInputError } from '../../errors';
import { scanCsvStream, type ProgressListener } from '../../reports/csvColumns';
import type { Row } from './computeReference';

/**
 * Training data read record by record, as many times as the reference needs (at most twice):
 * rows in memory, or CSV / NDJSON bytes (optionally gzip-compressed) that can be opened again,
 * e.g. an upload spooled to disk or a stored artifact. Cells come in the order of `columns`.
 */
export interface RowSource {
  columns(): Promise<string[]>;
  /** One pass over every record; resolves with the number of records. */
  scan(visit: (cells: readonly unknown[]) => void, pass: string): Promise<number>;
}

export type DataFormat = 'csv' | 'ndjson';

export interface ByteSource {
  /** A name for messages and progress (a file name, "upload"). */
  name: string;
  format: DataFormat;
  gzip: boolean;
  totalBytes: number;
  open(): Promise<Readable>;
  onProgress?: ProgressListener;
}

/** Columns of in-memory rows: the keys of the first 1,000 rows (as a JSON reference always had). */
const SAMPLED_ROWS = 1_000;

function keysOf(rows: Iterable<Row>, into: Set<string>): void {
  for (const row of rows) for (const key of Object.keys(row)) into.add(key);
}

export function rowsSource(rows: Row[]): RowSource {
  const seen = new Set<string>();
  keysOf(rows.slice(0, SAMPLED_ROWS), seen);
  const columns = [...seen];
  return {
    async columns() {
      return columns;
    },
    async scan(visit) {
      const cells = new Array<unknown>(columns.length);
      for (const row of rows) {
        for (let i = 0; i < columns.length; i++) cells[i] = row[columns[i]];
        visit(cells);
      }
      return rows.length;
    },
  };
}

export function byteSource(source: ByteSource): RowSource {
  return source.format === 'csv' ? csvSource(source) : ndjsonSource(source);
}

function csvSource(source: ByteSource): RowSource {
  const scan = async (visit: (cells: readonly unknown[]) => void, pass: string, headerOnly = false) =>
    scanCsvStream(await source.open(), visit, {
      file: source.name,
      totalBytes: source.totalBytes,
      gunzip: source.gzip,
      trim: true,
      pass,
      headerOnly,
      onProgress: headerOnly ? undefined : source.onProgress,
    });
  return {
    async columns() {
      return (await scan(() => undefined, 'header', true)).header;
    },
    async scan(visit, pass) {
      return (await scan(visit, pass)).records;
    },
  };
}

/**
 * NDJSON: one JSON object per line, blank lines skipped. The columns are the keys of the first
 * 1,000 objects (as for rows in memory); a line that is not a JSON object is an input error
 * naming its line number.
 */
function ndjsonSource(source: ByteSource): RowSource {
  async function* objects(pass: string | null): AsyncGenerator<Row> {
    const input = await source.open();
    const decoded = source.gzip ? input.pipe(createGunzip()) : input;
    let bytesRead = 0;
    let failure: Error | null = null;
    input.on('data', (chunk: Buffer) => {
      bytesRead += chunk.length;
      if (pass !== null)
        source.onProgress?.({
          file: source.name,
          pass,
          bytesRead,
          totalBytes: source.totalBytes,
          done: false,
        });
    });
    decoded.on('error', (err) => (failure = err));
    const lines = createInterface({ input: decoded, crlfDelay: Infinity });
    let line = 0;
    try {
      for await (const text of lines) {
        line += 1;
        if (text.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (err) {
          throw new InvalidInputError(`${source.name} line ${line} is not JSON: ${(err as Error).message}`);
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          throw new InvalidInputError(`${source.name} line ${line} is not a JSON object`);
        yield value as Row;
      }
      if (failure)
        throw new InvalidInputError(`${source.name} cannot be read: ${(failure as Error).message}`);
    } finally {
      lines.close();
      input.destroy();
      if (decoded !== input) decoded.destroy();
    }
    if (pass !== null)
      source.onProgress?.({ file: source.name, pass, bytesRead, totalBytes: source.totalBytes, done: true });
  }
  let columns: string[] | null = null;
  return {
    async columns() {
      if (columns) return columns;
      const seen = new Set<string>();
      let taken = 0;
      for await (const row of objects(null)) {
        keysOf([row], seen);
        if (++taken >= SAMPLED_ROWS) break;
      }
      columns = [...seen];
      return columns;
    },
    async scan(visit, pass) {
      const names = await this.columns();
      const cells = new Array<unknown>(names.length);
      let records = 0;
      for await (const row of objects(pass)) {
        for (let i = 0; i < names.length; i++) cells[i] = row[names[i]];
        visit(cells);
        records += 1;
      }
      return records;
    },
  };
}
