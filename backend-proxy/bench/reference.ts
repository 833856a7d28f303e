/**
 * Training-scale reference benchmark: a CSV of 2 million rows x 50 numeric columns
 * (about 1 GB, generated under the temporary folder and deleted afterwards) becomes an endpoint's
 * reference through PUT /api/v1/endpoints/{id}/reference, streamed from the file over loopback
 * HTTP to a proxy in this process. Measured: the wall time from the first byte sent to the 201
 * answer (spooling the body, profiling pass, binning pass, storing), and the process's peak RSS
 * during it (VmHWM, reset just before through /proc/self/clear_refs). Next to it: the time of
 * merely reading and splitting the same file into cells (csv-parse, the reader the reference uses)
 * in the same process, and the ratio read-and-split / build. Goals: peak RSS < 300 MB, ratio >= 0.3.
 *
 *   npm run bench:build && node dist-bench/bench/reference.js [--rows 2000000] [--columns 50]
 */
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { Random } from '../src/demo/random';
import { scanCsv } from '../src/reports/csvColumns';
import { machineDescription, option } from './lib/benchArgs';
import { runBench, withBenchProxy } from './lib/benchProxy';

const MB = 1 << 20;

/** Peak resident set of this process since the last reset, in MiB (Linux /proc). */
function peakRssMb(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  if (!match) throw new Error('no VmHWM in /proc/self/status');
  return Number(match[1]) / 1024;
}

/** Resets the peak to the current RSS; returns that RSS in MiB. */
function resetPeakRss(): number {
  writeFileSync('/proc/self/clear_refs', '5');
  return process.memoryUsage().rss / MB;
}

async function writeCsv(path: string, rows: number, columns: number): Promise<void> {
  const random = new Random(13);
  const out = createWriteStream(path);
  out.write(`${Array.from({ length: columns }, (_, i) => `x${i}`).join(',')}\n`);
  const scales = Array.from({ length: columns }, (_, i) => 1 + (i % 7));
  const line = new Array<string>(columns);
  let chunk: string[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) line[c] = (random.normal() * scales[c] + c).toFixed(7);
    chunk.push(line.join(','));
    if (chunk.length === 2_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length) out.write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
}

function upload(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv', 'content-length': String(statSync(path).size) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    createReadStream(path, { highWaterMark: MB }).pipe(req);
  });
}

async function main(): Promise<void> {
  const rows = option('rows', 2_000_000);
  const columns = option('columns', 50);
  const folder = mkdtempSync(join(tmpdir(), 'driftwatch-bench-reference-'));
  const file = join(folder, 'train.csv');
  try {
    let t = performance.now();
    await writeCsv(file, rows, columns);
    const bytes = statSync(file).size;
    console.log(
      `generated ${rows} rows x ${columns} columns, ${(bytes / MB).toFixed(0)} MiB in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    await withBenchProxy({ config: { maxArtifactBytes: 4 * 1024 * MB } }, async (proxy) => {
      const created = await fetch(`${proxy.url}/api/v1/endpoints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'bench-reference' }),
      });
      const { id } = (await created.json()) as { id: string };

      global.gc?.();
      const splitStart = resetPeakRss();
      t = performance.now();
      let cells = 0;
      await scanCsv(file, (record) => (cells += record.length));
      const splitMs = performance.now() - t;
      const splitPeak = peakRssMb();
      if (cells !== rows * columns) throw new Error(`read ${cells} cells, expected ${rows * columns}`);

      global.gc?.();
      const buildStart = resetPeakRss();
      t = performance.now();
      const reply = await upload(`${proxy.url}/api/v1/endpoints/${id}/reference`, file);
      const buildMs = performance.now() - t;
      const buildPeak = peakRssMb();
      if (reply.status !== 201)
        throw new Error(`upload answered ${reply.status}: ${reply.body.slice(0, 500)}`);
      const stored = JSON.parse(reply.body) as { rowCount: number; statistics: { features: unknown[] } };
      if (stored.rowCount !== rows || stored.statistics.features.length !== columns)
        throw new Error(
          `reference has ${stored.rowCount} rows, ${stored.statistics.features.length} features`,
        );

      const ratio = splitMs / buildMs;
      console.log(`RSS before each step: ${splitStart.toFixed(0)} / ${buildStart.toFixed(0)} MiB`);
      console.log(machineDescription());
      console.log(`| step | seconds | MB/s | peak RSS MiB | goal |`);
      console.log(`| --- | ---: | ---: | ---: | --- |`);
      console.log(
        `| read and split the CSV (csv-parse, one pass) | ${(splitMs / 1000).toFixed(1)} | ${(bytes / MB / (splitMs / 1000)).toFixed(0)} | ${splitPeak.toFixed(0)} | |`,
      );
      console.log(
        `| build the reference (upload + spool + 2 passes + store) | ${(buildMs / 1000).toFixed(1)} | ${(bytes / MB / (buildMs / 1000)).toFixed(0)} | ${buildPeak.toFixed(0)} | < 300 MiB: ${buildPeak < 300 ? 'yes' : 'NO'} |`,
      );
      console.log(
        `ratio read-and-split / build = ${ratio.toFixed(2)} (goal >= 0.3: ${ratio >= 0.3 ? 'yes' : 'NO'})`,
      );
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

runBench(main);
