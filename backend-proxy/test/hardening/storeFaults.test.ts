/**
 * Store faults answer 503 with Retry-After, turn /readyz not-ready, commit nothing partial, and
 * recover. Provoked for real: a small tmpfs filled up (disk full), the store's file replaced, and
 * its folder deleted under the running proxy. Mounting needs root; without it the tmpfs case is
 * skipped with a line saying so. (Remounting the tmpfs read-only is refused while the store file
 * is open for writing, "mount point is busy"; SQLITE_READONLY is classified in
 * storeFaultClassifiers.test.ts with a real read-only connection.)
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RETRY_AFTER_SECONDS } from '../../src/store/storeFault';
import { call, startTestProxy } from '../helpers/proxy';

const minute = 60_000;

function tryMount(dir: string, sizeBytes: number): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

async function setup(url: string) {
  const endpoint = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
    body: { project: 'faults', model: 'm', features: [{ name: 'x', kind: 'numeric' }] },
  });
  expect(endpoint.status).toBe(201);
  return endpoint.body.id;
}

/** A batch of `n` predictions with a per-event padding, so batches need real pages. */
const batch = (id: string, batchId: string, n: number, now: number) => ({
  batchId,
  events: Array.from({ length: n }, (_, i) => ({
    endpoint: id,
    timestamp: now - minute + i,
    features: { x: i },
    requestId: `${batchId}-${i}-${'p'.repeat(200)}`,
  })),
});

async function predictions(url: string, id: string): Promise<number> {
  const reply = await call<{ total: { predictions: number } }>(
    url,
    'GET',
    `/api/v1/endpoints/${id}/metrics?from=${Date.now() - 3_600_000}&to=${Date.now() + minute}`,
  );
  expect(reply.status).toBe(200);
  return reply.body.total.predictions;
}

function expectUnavailable(reply: { status: number; body: unknown; headers: Headers }) {
  expect(reply.status).toBe(503);
  expect(reply.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
  expect(reply.body).toMatchObject({ error: expect.stringMatching(/^store unavailable: .+; retry later$/) });
}

async function waitReady(url: string, deadlineMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const ready = await call(url, 'GET', '/readyz');
    if (ready.status === 200) return Date.now() - started;
    if (Date.now() - started > deadlineMs) throw new Error(`not ready after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('store faults on the embedded store', () => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'driftwatch-tmpfs-'));
  const mounted = tryMount(mountPoint, 3 * 1024 * 1024);
  if (!mounted) console.log(`store-fault tmpfs cases skipped: cannot mount a tmpfs here (needs root)`);
  afterAll(() => {
    if (mounted) execFileSync('umount', ['-l', mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  (mounted ? it : it.skip)(
    'a full disk answers 503 and not-ready, keeps no partial batch, and recovers',
    async () => {
      const proxy = await startTestProxy({ store: join(mountPoint, 'full', 'store.db') });
      try {
        const id = await setup(proxy.url);
        const now = Date.now();
        let acknowledged = 0;
        expect(
          (await call(proxy.url, 'POST', '/api/v1/predictions', { body: batch(id, 'b0', 50, now) })).status,
        ).toBe(201);
        acknowledged += 50;
        // Fill the file system.
        const filler = join(mountPoint, 'filler');
        const chunk = Buffer.alloc(64 * 1024, 1);
        try {
          for (let i = 0; i < 100; i++) writeFileSync(filler, chunk, { flag: 'a' });
        } catch (error) {
          expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
        }
        // Small commits may still fit in the WAL's existing pages; send until one does not.
        let refused = null;
        for (let i = 1; i <= 40 && refused === null; i++) {
          const reply = await call(proxy.url, 'POST', '/api/v1/predictions', {
            body: batch(id, `b${i}`, 2_000, now),
          });
          if (reply.status === 201) acknowledged += 2_000;
          else refused = reply;
        }
        expect(refused).not.toBeNull();
        expectUnavailable(refused!);
        const notReady = await call<{ details: { reason: string } }>(proxy.url, 'GET', '/readyz');
        expect(notReady.status).toBe(503);
        expect(notReady.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
        // Nothing of the refused batch was counted.
        expect(await predictions(proxy.url, id)).toBe(acknowledged);

        rmSync(filler);
        await waitReady(proxy.url, (RETRY_AFTER_SECONDS + 5) * 1000);
        const retried = await call(proxy.url, 'POST', '/api/v1/predictions', {
          body: batch(id, 'again', 100, now),
        });
        expect(retried.status).toBe(201);
        expect(await predictions(proxy.url, id)).toBe(acknowledged + 100);
      } finally {
        await proxy.close();
        rmSync(join(mountPoint, 'full'), { recursive: true, force: true });
      }
    },
    60_000,
  );

  it('a replaced store file answers 503 and not-ready: its writes would go to the old file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftwatch-replaced-'));
    const file = join(dir, 'store.db');
    const proxy = await startTestProxy({ store: file });
    try {
      const id = await setup(proxy.url);
      const now = Date.now();
      expect(
        (await call(proxy.url, 'POST', '/api/v1/predictions', { body: batch(id, 'p0', 10, now) })).status,
      ).toBe(201);
      copyFileSync(file, `${file}.copy`);
      renameSync(`${file}.copy`, file);
      const refused = await call(proxy.url, 'POST', '/api/v1/predictions', {
        body: batch(id, 'p1', 10, now),
      });
      expectUnavailable(refused);
      expect((refused.body as { details: { reason: string } }).details.reason).toMatch(/was replaced/);
      expect((await call(proxy.url, 'GET', '/readyz')).status).toBe(503);
    } finally {
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a deleted store folder answers 503 and not-ready instead of acknowledging lost writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftwatch-deleted-'));
    const proxy = await startTestProxy({ store: join(dir, 'store.db') });
    try {
      const id = await setup(proxy.url);
      const now = Date.now();
      expect(
        (await call(proxy.url, 'POST', '/api/v1/predictions', { body: batch(id, 'd0', 10, now) })).status,
      ).toBe(201);
      rmSync(dir, { recursive: true, force: true });
      const refused = await call(proxy.url, 'POST', '/api/v1/predictions', {
        body: batch(id, 'd1', 10, now),
      });
      expectUnavailable(refused);
      expect((refused.body as { details: { reason: string } }).details.reason).toMatch(/was deleted/);
      expectUnavailable(await call(proxy.url, 'POST', '/api/v1/experiments/e/runs'));
      expect((await call(proxy.url, 'GET', '/readyz')).status).toBe(503);
    } finally {
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
