/**
 * Child process of csvColumns.test.ts: writes a ~60 MB reference CSV and a small current one in
 * the folder given as argument, compares them with compareCsvFiles, and prints what memory did as
 * JSON. Run as `node --expose-gc --import tsx streamMemory.child.ts <folder>`: a process of its own
 * measures only this comparison, and outside Jest's module sandbox csv-parse runs at full speed.
 */
import { once } from 'node:events';
import { createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareCsvFiles } from '../../src/reports';

async function write(path: string, bytes: number, shift: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,amount,ratio,segment,flag\n');
  let state = 12345 + shift;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  for (let written = 0, i = 0; written < bytes;) {
    let chunk = '';
    for (let k = 0; k < 1000; k++, i++) {
      chunk += `${i},${(next() * 100 + shift).toFixed(4)},${(next() * next()).toFixed(6)},seg-${Math.floor(next() * 40)},${next() < 0.3}\n`;
    }
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const folder = process.argv[2];
  const reference = join(folder, 'big-reference.csv');
  const current = join(folder, 'big-current.csv');
  await write(reference, 60 << 20, 0);
  await write(current, 1 << 20, 5);
  // Live memory, not garbage the collector has not reached yet: collect before each sample.
  gc();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  let chunks = 0;
  const passes = new Set<string>();
  const started = Date.now();
  const report = await compareCsvFiles(reference, current, {
    onProgress: (p) => {
      passes.add(p.pass);
      // A sample every 4th chunk read (1 MiB each) keeps the full collections cheap.
      if (chunks++ % 4 !== 0) return;
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    },
  });
  const column = (name: string) => report.columns.find((c) => c.name === name)?.test;
  process.stdout.write(
    JSON.stringify({
      fileBytes: statSync(reference).size,
      heapGrowthBytes: peak - baseline,
      samples: Math.ceil(chunks / 4),
      passes: [...passes],
      referenceRows: report.reference.rows,
      amount: column('amount'),
      segment: column('segment'),
      ms: Date.now() - started,
    }),
  );
}

void main();
