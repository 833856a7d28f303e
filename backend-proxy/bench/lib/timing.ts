import { performance } from 'node:perf_hooks';

export interface Timing {
  name: string;
  runs: number;
  p50: number;
  p95: number;
  max: number;
  note?: string;
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times (run index passed in), in milliseconds. */
export async function time(
  name: string,
  runs: number,
  fn: (run: number) => Promise<unknown>,
  options: { warmup?: number; note?: string } = {},
): Promise<Timing> {
  for (let i = 0; i < (options.warmup ?? 2); i++) await fn(i);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return {
    name,
    runs,
    p50: percentile(ms, 0.5),
    p95: percentile(ms, 0.95),
    max: ms[ms.length - 1],
    note: options.note,
  };
}

export function markdownTable(timings: Timing[], goalMs?: number): string {
  const lines = [
    '| query | runs | p50 ms | p95 ms | max ms |' + (goalMs ? ` < ${goalMs} ms |` : ''),
    '|---|---:|---:|---:|---:|' + (goalMs ? ':---:|' : ''),
  ];
  for (const t of timings) {
    const cells = [
      t.note ? `${t.name} (${t.note})` : t.name,
      t.runs,
      t.p50.toFixed(1),
      t.p95.toFixed(1),
      t.max.toFixed(1),
    ];
    if (goalMs) cells.push(t.p95 < goalMs ? 'yes' : '**no**');
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
