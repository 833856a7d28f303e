import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { createServices, type Services } from '../../../src/services';
import { openSqliteStore } from '../../../src/store/sqlite';
import type { Store } from '../../../src/store/types';

/**
 * Two proxy replicas = two sets of services on two connections to one store file, each with its
 * own job runner, driven by one fake clock.
 */
describe('monitor jobs across replicas', () => {
  let folder: string;
  let stores: Store[];
  let replicas: Services[];
  let now: number;
  const clock = () => new Date(now);
  const minute = 60_000;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'driftwatch-jobs-'));
    stores = [
      await openSqliteStore(join(folder, 'shared.db')),
      await openSqliteStore(join(folder, 'shared.db')),
    ];
    const config = loadConfig({}, { evaluationIntervalMs: 0, jobTickMs: 0, webhookPollMs: 0 });
    replicas = stores.map((store) => createServices(config, createLogger('silent'), store, clock));
    now = Date.parse('2026-03-01T09:58:00Z');
    const [a] = replicas;
    const { endpoint } = await a.endpoints.register({
      project: 'p',
      model: 'm',
      features: [{ name: 'x', kind: 'numeric' }],
    });
    await a.references.register(
      endpoint.id,
      Array.from({ length: 50 }, (_, i) => ({ x: i })),
      {},
    );
    await a.ingest.ingest(
      { events: [{ endpoint: endpoint.id, timestamp: now - 5 * minute, features: { x: 3 } }] },
      () => undefined,
    );
    const monitor = await a.monitors.save(
      {
        name: 'mon',
        project: 'p',
        kind: 'data',
        experiment: 'exp',
        endpointId: endpoint.id,
        alerts: [],
      },
      () => undefined,
    );
    const job = await a.jobs.track(monitor, 'hourly');
    expect(job).toMatchObject({ name: 'monitors/exp/m', nextRunAt: '2026-03-01T10:00:00.000Z', runs: 0 });
  });
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    rmSync(folder, { recursive: true, force: true });
  });

  it('runs each due job once per tick, whichever replicas tick', async () => {
    expect(await Promise.all(replicas.map((r) => r.jobs.tick()))).toEqual([0, 0]);
    now = Date.parse('2026-03-01T10:00:05Z');
    const ran = await Promise.all(replicas.map((r) => r.jobs.tick()));
    expect(ran.reduce((a, b) => a + b, 0)).toBe(1);
    // A replica ticking a little later finds the job already done for this hour.
    now = Date.parse('2026-03-01T10:00:20Z');
    expect(await Promise.all(replicas.map((r) => r.jobs.tick()))).toEqual([0, 0]);
    const job = await replicas[1].jobs.get('p', 'monitors/exp/m');
    expect(job).toMatchObject({
      runs: 1,
      failures: 0,
      lastError: null,
      nextRunAt: '2026-03-01T11:00:00.000Z',
      lastResult: { snapshots: 1 },
    });
    now = Date.parse('2026-03-01T11:00:01Z');
    expect((await Promise.all(replicas.map((r) => r.jobs.tick()))).reduce((a, b) => a + b, 0)).toBe(1);
    expect(await replicas[0].jobs.get('p', 'monitors/exp/m')).toMatchObject({
      runs: 2,
      lastResult: { snapshots: 2, status: expect.any(String) },
    });
  });

  it("waits for a dead holder's lease to expire, then takes over", async () => {
    const id = 'job:p:monitors/exp/m';
    now = Date.parse('2026-03-01T10:00:05Z');
    // A replica that died mid-run still holds the lease (10 minutes).
    expect(await stores[0].acquireLease(id, 'dead-replica', 10 * minute, clock())).toBe(true);
    expect(await Promise.all(replicas.map((r) => r.jobs.tick()))).toEqual([0, 0]);
    now = Date.parse('2026-03-01T10:10:06Z');
    expect((await Promise.all(replicas.map((r) => r.jobs.tick()))).reduce((a, b) => a + b, 0)).toBe(1);
    expect(await replicas[0].jobs.get('p', 'monitors/exp/m')).toMatchObject({ runs: 1 });
  });

  it('records a failing job, retries it at the next tick, and keeps running the others', async () => {
    const [a] = replicas;
    const { endpoint } = await a.endpoints.register({
      project: 'p',
      model: 'broken',
      features: [{ name: 'x', kind: 'numeric' }],
    });
    // No reference: snapshots of this endpoint fail.
    const monitor = await a.monitors.save(
      {
        name: 'mon2',
        project: 'p',
        kind: 'data',
        experiment: 'exp',
        endpointId: endpoint.id,
        alerts: [],
      },
      () => undefined,
    );
    await a.jobs.track(monitor, '*/5 * * * *');
    now = Date.parse('2026-03-01T10:00:05Z');
    expect(await a.jobs.tick()).toBe(2);
    const broken = await a.jobs.get('p', 'monitors/exp/broken');
    expect(broken).toMatchObject({ runs: 1, failures: 1, nextRunAt: '2026-03-01T10:00:00.000Z' });
    expect(broken.lastError).toMatch(/has no reference/);
    expect(await a.jobs.get('p', 'monitors/exp/m')).toMatchObject({ runs: 1, failures: 0 });
    now = Date.parse('2026-03-01T10:00:20Z');
    expect(await a.jobs.tick()).toBe(1);
    expect(await a.jobs.get('p', 'monitors/exp/broken')).toMatchObject({ runs: 2, failures: 2 });
  });
});
