import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Random } from '../../../src/demo/random';

/**
 * Training data generated on the fly: three numeric columns (one with missing cells), a skewed
 * categorical one and one with more distinct values than pass 1 tracks (counted in pass 2).
 */
export interface GeneratedData {
  rows: Array<Record<string, number | string | null>>;
  csv: string;
  ndjson: string;
}

export const NUMERIC = ['a', 'b', 'c'];
export const CATEGORICAL = ['cat', 'zip'];

export function generateData(rowCount: number, seed: number): GeneratedData {
  const random = new Random(seed);
  const rows: GeneratedData['rows'] = [];
  const lines = ['a,b,c,cat,zip'];
  const json: string[] = [];
  for (let i = 0; i < rowCount; i++) {
    const a = random.normal() * 3 + 10;
    const b = random.next() < 0.02 ? null : -Math.log(1 - random.next()) * 2;
    const c = Math.floor(random.next() * 10);
    const cat = `k${Math.floor(60 * random.next() ** 2)}`;
    const zip = `z${Math.floor(1_500 * random.next() ** 3)}`;
    rows.push({ a, b, c, cat, zip });
    lines.push(`${a},${b ?? ''},${c},${cat},${zip}`);
    json.push(JSON.stringify({ a, b, c, cat, zip }));
  }
  return { rows, csv: `${lines.join('\n')}\n`, ndjson: `${json.join('\n')}\n` };
}

export interface NumpyNumeric {
  count: number;
  missing: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  quantiles: Record<string, number>;
  edges: number[];
  counts: number[];
}
export interface NumpyCategorical {
  frequencies: Record<string, number>;
  missing: number;
}

/** scripts/reference-statistics.py on a CSV file: the statistics computed independently with numpy. */
export async function numpyStatistics(
  path: string,
): Promise<Record<string, NumpyNumeric | NumpyCategorical>> {
  const script = join(__dirname, '..', '..', '..', 'scripts', 'reference-statistics.py');
  const { stdout } = await promisify(execFile)(
    'python3',
    [script, path, NUMERIC.join(','), CATEGORICAL.join(',')],
    { maxBuffer: 64 << 20 },
  );
  return JSON.parse(stdout) as Record<string, NumpyNumeric | NumpyCategorical>;
}
