/**
 * Tracking benchmark: logs 100,000 metric events over loopback HTTP in batches to one
 * proxy on the embedded store (a file in a temp folder), then reads them back page by page and as
 * an NDJSON export. Prints events/s for each.
 *
 *   npm run bench:build && node dist-bench/bench/tracking.js [--events 100000] [--batch 1000]
 */
import { machineDescription, option } from './lib/benchArgs';
import { runBench, withBenchProxy } from './lib/benchProxy';
import { fetchOk, jsonRequest } from './lib/http';

async function main(): Promise<void> {
  const total = option('events', 100_000);
  const batch = option('batch', 1_000);
  await withBenchProxy({}, async (proxy) => {
    const base = `${proxy.url}/api/v1/experiments/bench`;
    const request = (method: string, path: string, body?: unknown, accept = 'application/json') =>
      fetchOk(
        `${base}${path}`,
        body === undefined ? { method, headers: { accept } } : jsonRequest(method, body, { accept }),
      );
    await request('POST', '/runs');
    const bodies = Array.from({ length: Math.ceil(total / batch) }, (_, b) =>
      Array.from({ length: Math.min(batch, total - b * batch) }, (_, i) => ({
        event: 'metric',
        key: `metric_${i % 10}`,
        value: Math.sin(b * batch + i),
        step: b * batch + i,
      })),
    );

    const writeStarted = process.hrtime.bigint();
    for (const body of bodies) await request('POST', '/events', body);
    const writeSeconds = Number(process.hrtime.bigint() - writeStarted) / 1e9;

    const readStarted = process.hrtime.bigint();
    let read = 0;
    let cursor: string | null = null;
    do {
      const query: string = `?event=metric&limit=10000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = (await (await request('GET', `/data${query}`)).json()) as {
        events: unknown[];
        cursor: string | null;
      };
      read += page.events.length;
      cursor = page.cursor;
    } while (cursor);
    const readSeconds = Number(process.hrtime.bigint() - readStarted) / 1e9;

    const exportStarted = process.hrtime.bigint();
    const text = await (await request('GET', '/data?event=metric', undefined, 'application/x-ndjson')).text();
    const exported = text.trim().split('\n').length;
    const exportSeconds = Number(process.hrtime.bigint() - exportStarted) / 1e9;

    if (read !== total || exported !== total)
      throw new Error(`read ${read} and exported ${exported} of ${total}`);
    const rate = (n: number, s: number) =>
      `${Math.round(n / s).toLocaleString('en')} events/s (${s.toFixed(2)} s)`;
    console.log(machineDescription());
    console.log(`tracking: ${total} metric events, batches of ${batch}, embedded store`);
    console.log(`  write (POST .../events):         ${rate(total, writeSeconds)}`);
    console.log(`  read (JSON pages of 10,000):     ${rate(read, readSeconds)}`);
    console.log(`  export (NDJSON stream):          ${rate(exported, exportSeconds)}`);
  });
}

runBench(main);
