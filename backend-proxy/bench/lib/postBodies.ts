// Worker thread for bench/ingest.ts: POSTs the bodies it is given with some concurrency, so the
// HTTP client does not share the proxy's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { fetchOk, jsonRequest } from './http';

interface Job {
  url: string;
  bodies: string[];
  concurrency: number;
}

async function post({ url, bodies, concurrency }: Job): Promise<number> {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        await (await fetchOk(url, jsonRequest('POST', body))).arrayBuffer();
      }
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

post(workerData as Job).then(
  (seconds) => parentPort?.postMessage({ seconds }),
  (err: unknown) => {
    throw err;
  },
);
