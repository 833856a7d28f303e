import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startProxy, type RunningProxy } from '../../src/server';

/**
 * Runs `work` against a proxy on loopback with no background work (evaluation, jobs, webhooks),
 * so only the requests measured use the CPU. Without `store`, the embedded store is a file in a
 * temporary folder, removed afterwards.
 */
export async function withBenchProxy<T>(
  options: { store?: string; config?: Partial<Config> },
  work: (proxy: RunningProxy) => Promise<T>,
): Promise<T> {
  const folder = options.store ? null : mkdtempSync(join(tmpdir(), 'driftwatch-bench-'));
  const store = options.store ?? join(folder as string, 'bench.db');
  const config = loadConfig(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      store,
      evaluationIntervalMs: 0,
      jobTickMs: 0,
      webhookPollMs: 0,
      ...options.config,
    },
  );
  const proxy = await startProxy(config, createLogger('warn'));
  try {
    return await work(proxy);
  } finally {
    await proxy.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
}

/** Runs a benchmark's main function; a failure prints its stack and exits 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
