import type { ScanProgress } from '../../src/reports/csvColumns';
import { BAR_MIN_BYTES, isCi, LINES_MIN_BYTES, progressReporter } from '../../src/reports/progress';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (chunk: string) => writes.push(chunk) > 0 } };
}

/** Reports a file read in ten chunks, the clock moving `stepMs` per chunk. */
function readFile(
  report: (p: ScanProgress) => void,
  totalBytes: number,
  clock: { now: number },
  stepMs: number,
): void {
  for (let i = 1; i <= 10; i++) {
    clock.now += stepMs;
    report({
      file: '/data/reference.csv',
      pass: 'reading reference',
      bytesRead: (totalBytes * i) / 10,
      totalBytes,
      done: false,
    });
  }
  report({
    file: '/data/reference.csv',
    pass: 'reading reference',
    bytesRead: totalBytes,
    totalBytes,
    done: true,
  });
}

describe('progress on stderr', () => {
  it('draws a bar in place on a terminal, at most every 100 ms, and ends the line when done', () => {
    const { writes, stream } = fakeStream(true);
    const clock = { now: 0 };
    readFile(progressReporter({ stream, env: {}, now: () => clock.now }), 4 * BAR_MIN_BYTES, clock, 50);
    // 10 chunks 50 ms apart: a redraw every other chunk, plus the final one.
    expect(writes).toHaveLength(6);
    expect(writes[0]).toBe(
      '\r[##......................] 10% (0.4 of 4.0 MB) reading reference reference.csv\x1b[K',
    );
    expect(writes[5]).toBe(
      '\r[########################] 100% (4.0 of 4.0 MB) reading reference reference.csv\x1b[K\n',
    );
  });

  it('fits the bar to the terminal, or to 80 columns when the terminal reports no width', () => {
    const bar = (columns: number) => {
      const writes: string[] = [];
      const report = progressReporter({
        stream: { isTTY: true, columns, write: (chunk) => writes.push(chunk) > 0 },
        env: {},
      });
      report({
        file: '/data/a-rather-long-file-name.csv',
        pass: 'reading reference',
        bytesRead: 1,
        totalBytes: 100 * BAR_MIN_BYTES,
        done: false,
      });
      return writes[0].replace('\r', '').replace('\x1b[K', '');
    };
    expect(bar(40)).toBe('[........................] 0% (0.0 of 1');
    // 79 characters: the file name is cut, the progress is not.
    expect(bar(0)).toBe('[........................] 0% (0.0 of 100.0 MB) reading reference a-rather-long');
  });

  it('draws no bar in CI, nor for small files', () => {
    const clock = { now: 0 };
    const ci = fakeStream(true);
    readFile(
      progressReporter({ stream: ci.stream, env: { CI: 'true' }, now: () => clock.now }),
      4 * BAR_MIN_BYTES,
      clock,
      500,
    );
    expect(ci.writes).toEqual([]);
    const small = fakeStream(true);
    readFile(
      progressReporter({ stream: small.stream, env: {}, now: () => clock.now }),
      BAR_MIN_BYTES - 1,
      clock,
      500,
    );
    expect(small.writes).toEqual([]);
  });

  it('prints a plain line every 10% for large files when not on a terminal or in CI', () => {
    for (const [isTTY, env] of [
      [false, {}],
      [true, { CI: '1' }],
    ] as const) {
      const { writes, stream } = fakeStream(isTTY);
      readFile(progressReporter({ stream, env }), 2 * LINES_MIN_BYTES, { now: 0 }, 1);
      expect(writes).toHaveLength(10);
      expect(writes[0]).toBe('driftwatch: reading reference reference.csv: 10% (10.0 of 100.0 MB)\n');
      expect(writes[9]).toBe('driftwatch: reading reference reference.csv: 100% (100.0 of 100.0 MB)\n');
    }
    const { writes, stream } = fakeStream(false);
    readFile(progressReporter({ stream, env: {} }), LINES_MIN_BYTES - 1, { now: 0 }, 1);
    expect(writes).toEqual([]);
  });

  it('reads CI as most CI services set it', () => {
    expect(isCi({ CI: 'true' })).toBe(true);
    expect(isCi({ CI: '1' })).toBe(true);
    expect(isCi({ CI: 'false' })).toBe(false);
    expect(isCi({ CI: '0' })).toBe(false);
    expect(isCi({ CI: '' })).toBe(false);
    expect(isCi({})).toBe(false);
  });
});
