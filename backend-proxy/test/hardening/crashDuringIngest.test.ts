/**
 * kill -9 during ingest loses nothing and doubles nothing. The proxy runs as a child process
 * (`driftwatch serve` on one embedded store file); a client sends batches with fixed batch ids and
 * retries each until it gets a 2xx, restarting the proxy whenever it has died; a seeded killer
 * SIGKILLs the child at random moments while batches are in flight. After a final restart the stored
 * prediction count must equal the events sent exactly. And a SIGKILL in the middle of an artifact
 * upload leaves a partial file that the next start removes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BACKEND = join(__dirname, '..', '..');
const minute = 60_000;
const KILLS = 9;
/** At least this many batches, and on until every kill has landed (bounded by MAX_BATCHES and the clock). */
const MIN_BATCHES = 60;
const MAX_BATCHES = 5_000;
const DEADLINE_MS = 60_000;

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Proxy {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

/** Starts `driftwatch serve` on a free port with the given store file; resolves once its banner is out. */
function serve(store: string): Promise<Proxy> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--host', '127.0.0.1', '--store', store],
    { cwd: BACKEND, env: { ...process.env, DRIFTWATCH_EVALUATION_INTERVAL_MS: '0' } },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not come up:\n${output}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Driftwatch is up on http:\/\/localhost:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${match[1]}`, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`serve exited before it came up:\n${output}`));
    });
  });
}

async function predictions(url: string, id: string, now: number): Promise<number> {
  const reply = await fetch(
    `${url}/api/v1/endpoints/${id}/metrics?from=${now - 3_600_000}&to=${now + minute}`,
  );
  expect(reply.status).toBe(200);
  const body = (await reply.json()) as { total: { predictions: number } };
  return body.total.predictions;
}

describe('kill -9 during ingest on the embedded store', () => {
  let folder: string;
  let proxy: Proxy | undefined;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'driftwatch-crash-'));
  });
  afterEach(async () => {
    if (proxy && proxy.child.exitCode === null && proxy.child.signalCode === null) {
      proxy.child.kill('SIGKILL');
      await proxy.exited;
    }
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it(`survives ${KILLS} SIGKILLs at random points with a retrying client: every event counted once`, async () => {
    const store = join(folder, 'store.db');
    const random = prng(12_012);
    const now = Date.now();
    proxy = await serve(store);
    const created = await fetch(`${proxy.url}/api/v1/endpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ project: 'crash', model: 'm', features: [{ name: 'x', kind: 'numeric' }] }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    let kills = 0;
    let interrupted = 0;
    let retries = 0;
    let sent = 0;
    let duplicates = 0;
    const bodies: string[] = [];
    let inFlight = false;
    let pendingKill: NodeJS.Timeout | undefined;
    const armKiller = (target: Proxy) => {
      if (kills >= KILLS) return;
      pendingKill = setTimeout(
        () => {
          if (!target.child.killed && target.child.exitCode === null) {
            target.child.kill('SIGKILL');
            kills += 1;
            if (inFlight) interrupted += 1;
          }
        },
        30 + random() * 400,
      );
    };
    armKiller(proxy);

    const started = Date.now();
    let batches = 0;
    for (let b = 0; b < MIN_BATCHES || kills < KILLS; b += 1) {
      if (b >= MAX_BATCHES || Date.now() - started > DEADLINE_MS) {
        throw new Error(`only ${kills} of ${KILLS} kills landed in ${b} batches`);
      }
      const size = 20 + Math.floor(random() * 180);
      const body = JSON.stringify({
        batchId: `crash-${b}`,
        events: Array.from({ length: size }, (_, i) => ({
          endpoint: id,
          // Spread over the past half hour even at MAX_BATCHES, inside the read window below.
          timestamp: now - 30 * minute + b * 250 + i,
          features: { x: (b * 7 + i) % 97 },
          latencyMs: i % 50,
          requestId: `crash-${b}-${i}`,
        })),
      });
      for (let attempt = 0; ; attempt += 1) {
        if (attempt > 20) throw new Error(`batch ${b} not acknowledged after ${attempt} attempts`);
        const current: Proxy = proxy;
        inFlight = true;
        try {
          const reply = await fetch(`${current.url}/api/v1/predictions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          const receipt = (await reply.json()) as { duplicate?: boolean };
          inFlight = false;
          // A 200 duplicate: the kill landed after the commit but before the answer reached us.
          if (receipt.duplicate === true) duplicates += 1;
          if (reply.status >= 200 && reply.status < 300) break;
          throw new Error(`batch ${b}: ${reply.status}`);
        } catch (error) {
          inFlight = false;
          if (!current.child.killed && current.child.exitCode === null) throw error;
          // The proxy died under the request: restart it on the same store and send the batch again.
          retries += 1;
          await current.exited;
          proxy = await serve(store);
          armKiller(proxy);
        }
      }
      sent += size;
      batches += 1;
      bodies.push(body);
    }
    clearTimeout(pendingKill);

    // One last restart (after a kill), then read the count back.
    proxy.child.kill('SIGKILL');
    await proxy.exited;
    proxy = await serve(store);
    const stored = await predictions(proxy.url, id, now);
    // A client that never saw its answers sends everything again: every batch is a duplicate.
    for (const body of bodies) {
      const reply = await fetch(`${proxy.url}/api/v1/predictions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(reply.status).toBe(200);
      expect(await reply.json()).toMatchObject({ duplicate: true });
    }
    expect(await predictions(proxy.url, id, now)).toBe(stored);
    console.log(
      `crash test: ${kills} SIGKILLs survived (${interrupted} with a batch in flight, ${retries} retries, ${duplicates} answered as duplicates), ` +
        `${batches} batches, ${sent} events sent, ${stored} stored, ${sent - stored} lost; ` +
        `all ${bodies.length} batches replayed after the last restart: 0 counted again`,
    );
    expect(kills).toBe(KILLS);
    expect(interrupted).toBeGreaterThanOrEqual(KILLS / 2);
    expect(stored).toBe(sent);
  }, 90_000);

  it('removes the partial file of an artifact upload cut by SIGKILL at the next start', async () => {
    const store = join(folder, 'artifacts.db');
    const artifacts = `${store}.artifacts`;
    proxy = await serve(store);
    const base = `${proxy.url}/api/v1/experiments/crash`;
    expect((await fetch(`${base}/runs`, { method: 'POST' })).status).toBe(201);
    const kept = Buffer.alloc(4_096, 7);
    const put = await fetch(`${base}/runs/1/artifacts/kept.bin`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: kept,
    });
    expect(put.status).toBe(201);
    expect(readdirSync(artifacts)).toHaveLength(1);

    // Half an upload is on disk when the proxy is killed.
    const cut = request(`${base}/runs/1/artifacts/cut.bin`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
    });
    const cutClosed = new Promise<void>((resolve) => cut.on('error', () => resolve()).on('close', resolve));
    cut.write(Buffer.alloc(256 * 1024, 1));
    const partial = async (): Promise<string | undefined> => {
      for (let i = 0; i < 100; i += 1) {
        const part = readdirSync(artifacts).find((f) => f.endsWith('.part'));
        if (part && statSync(join(artifacts, part)).size > 0) return part;
        await new Promise((r) => setTimeout(r, 50));
      }
      return undefined;
    };
    const part = await partial();
    expect(part).toBeDefined();
    proxy.child.kill('SIGKILL');
    await proxy.exited;
    await cutClosed;
    expect(existsSync(join(artifacts, part as string))).toBe(true);

    proxy = await serve(store);
    expect(readdirSync(artifacts)).toHaveLength(1);
    expect(existsSync(join(artifacts, part as string))).toBe(false);
    const back = await fetch(`${proxy.url}/api/v1/experiments/crash/runs/1/artifacts/kept.bin`);
    expect(back.status).toBe(200);
    expect(Buffer.from(await back.arrayBuffer()).equals(kept)).toBe(true);
    const missing = await fetch(`${proxy.url}/api/v1/experiments/crash/runs/1/artifacts/cut.bin`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: 'artifact "cut.bin" of run 1 in experiment "crash" does not exist',
    });
  }, 60_000);
});
