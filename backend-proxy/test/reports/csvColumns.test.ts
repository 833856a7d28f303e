import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InvalidInputError } from '../../src/errors';
import { compareCsvFiles, compareRows, type ColumnTestResult } from '../../src/reports';
import { readCsvHeader, scanCsv, type CsvCell, type ScanProgress } from '../../src/reports/csvColumns';

const run = promisify(execFile);
let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'driftwatch-csv-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

async function records(path: string): Promise<CsvCell[][]> {
  const out: CsvCell[][] = [];
  await scanCsv(path, (cells) => out.push([...cells]));
  return out;
}

describe('streaming CSV reader', () => {
  it('reads records after the header, with missing markers as null, quotes, a BOM and blank lines', async () => {
    const path = file(
      'cells.csv',
      '\uFEFFname,value,note\n"a, quoted",1.5,"two\nlines"\n\nb,NA,\nNaN,null,N/A\nc,2,"say ""hi"""\n',
    );
    expect(await readCsvHeader(path)).toEqual(['name', 'value', 'note']);
    expect(await records(path)).toEqual([
      ['a, quoted', '1.5', 'two\nlines'],
      ['b', null, null],
      [null, null, null],
      ['c', '2', 'say "hi"'],
    ]);
  });

  it('reads Windows line endings', async () => {
    expect(await records(file('crlf.csv', 'a,b\r\n1,x\r\n2,\r\n'))).toEqual([
      ['1', 'x'],
      ['2', null],
    ]);
  });

  it('refuses a comparison with a header-only file', async () => {
    const header = file('header-only.csv', 'a,b\n');
    const data = file('data.csv', 'a,b\n1,x\n');
    await expect(compareCsvFiles(data, header)).rejects.toThrow('the current dataset has no rows');
    await expect(compareCsvFiles(header, data)).rejects.toThrow('the reference has no rows');
  });

  it('turns malformed files into input errors that say what is wrong', async () => {
    await expect(scanCsv(file('ragged.csv', 'a,b\n1,2\n3\n'), () => undefined)).rejects.toThrow(
      /Invalid Record Length: expect 2, got 1 on line 3/,
    );
    await expect(readCsvHeader(file('empty.csv', ''))).rejects.toThrow(
      /is empty: a CSV file needs a header row/,
    );
    await expect(readCsvHeader(file('unnamed.csv', ',a\n0,1\n'))).rejects.toThrow(/header cell 1 is empty/);
    await expect(readCsvHeader(file('twice.csv', 'a,b,a\n1,2,3\n'))).rejects.toThrow(
      /column "a" appears twice/,
    );
    await expect(readCsvHeader(join(folder, 'absent.csv'))).rejects.toThrow(InvalidInputError);
    await expect(compareCsvFiles(folder, file('ok.csv', 'a\n1\n'))).rejects.toThrow(
      /cannot read the reference file ".*": not a regular file/,
    );
  });

  it('checks the options against both headers before reading any data', async () => {
    const progress: ScanProgress[] = [];
    const path = file('small.csv', 'a,b\n1,x\n2,y\n');
    await expect(
      compareCsvFiles(path, path, { target: 'c', onProgress: (p) => progress.push(p) }),
    ).rejects.toThrow('column "c" is in neither');
    expect(progress).toEqual([]);
  });

  it('reads the reference twice only when pass 1 could not keep what its histograms need', async () => {
    const lines = (n: number, offset: number) =>
      Array.from({ length: n }, (_, i) => `${((i * 7919) % 1000) + offset},${i % 3}`).join('\n');
    const reference = file('twice-ref.csv', `x,k\n${lines(600, 0)}\n`);
    const current = file('twice-cur.csv', `x,k\n${lines(600, 40)}\n`);
    const passes = async (limits: { rawValueLimit: number; maxTrackedDistinct: number }) => {
      const seen = new Set<string>();
      const report = await compareCsvFiles(reference, current, {
        limits,
        onProgress: (p) => seen.add(p.pass),
      });
      return { passes: [...seen], report };
    };
    const one = await passes({ rawValueLimit: 10_000, maxTrackedDistinct: 10_000 });
    const two = await passes({ rawValueLimit: 100, maxTrackedDistinct: 100 });
    expect(one.passes).toEqual(['reading reference', 'reading current']);
    expect(two.passes).toEqual(['reading reference', 'binning reference', 'reading current']);
    expect(two.report.columns[0].histograms).toEqual(one.report.columns[0].histograms);
    expect(two.report.columns[0].test?.method.values).toBe('binned');
    // The same numbers as rows in memory would give.
    const rows = (n: number, offset: number) =>
      Array.from({ length: n }, (_, i) => ({ x: String(((i * 7919) % 1000) + offset), k: String(i % 3) }));
    expect(compareRows(rows(600, 0), rows(600, 40)).columns).toEqual(one.report.columns);
  });

  it('streams a 60 MB file in bounded memory', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(__dirname, 'streamMemory.child.ts'), folder],
      {
        cwd: join(__dirname, '..', '..'),
        maxBuffer: 1 << 20,
      },
    );
    const result = JSON.parse(stdout) as {
      fileBytes: number;
      heapGrowthBytes: number;
      samples: number;
      passes: string[];
      referenceRows: number;
      amount: ColumnTestResult;
      segment: ColumnTestResult;
    };
    expect(result.fileBytes).toBeGreaterThan(60e6);
    // Both passes over the reference streamed: numeric columns with 10 000+ distinct values need pass 2.
    expect(result.passes).toEqual(['reading reference', 'binning reference', 'reading current']);
    expect(result.samples).toBeGreaterThan(25);
    expect(result.referenceRows).toBeGreaterThan(1_000_000);
    expect(result.amount).toMatchObject({
      metric: 'wasserstein',
      drifted: true,
      method: { values: 'binned' },
    });
    expect(result.segment).toMatchObject({ metric: 'js', drifted: false });
    // Holding the rows would take several times the file; streaming keeps a few MB of counters.
    expect(result.heapGrowthBytes).toBeLessThan(result.fileBytes / 20);
  }, 180_000);
});
