/**
 * Group commit over real HTTP (both stores: the MongoDB run includes test/http): many clients
 * posting batches for one endpoint at once, with batch ids repeated concurrently and a bad batch
 * among them, count exactly, replay exactly, and the bad batch fails alone. With and without group
 * commit (DRIFTWATCH_GROUP_COMMIT), the answers are the same. Two copies of a batch id in flight
 * at once, each in its own transaction, are told apart by the unique index on batch ids, which the
 * wire-level stand-in does not enforce: there, without group commit, the copy waits for the answer.
 */
import type { RunningProxy } from '../../src/server';
import { mongoTarget } from '../helpers/mongoTarget';
import { call, startTestProxy } from '../helpers/proxy';

interface Receipt {
  predictions: number;
  duplicate: boolean;
  batchId: string | null;
}

const CLIENTS = 8;
const BATCHES_PER_CLIENT = 6;
const EVENTS = 25;

describe.each([true, false])('concurrent ingest on one endpoint (group commit %s)', (groupCommit) => {
  let proxy: RunningProxy;
  let url: string;
  let endpointId: string;
  const now = Date.now();
  const copiesAtOnce = groupCommit || mongoTarget()?.kind !== 'standin';

  beforeAll(async () => {
    proxy = await startTestProxy({ groupCommit });
    url = proxy.url;
    const created = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
      body: {
        project: 'group',
        model: 'm',
        features: [
          { name: 'x', kind: 'numeric' },
          { name: 'c', kind: 'categorical' },
        ],
      },
    });
    expect(created.status).toBe(201);
    endpointId = created.body.id;
  });
  afterAll(() => proxy.close());

  const events = (client: number, batch: number) =>
    Array.from({ length: EVENTS }, (_, i) => ({
      endpoint: endpointId,
      timestamp: now - 120_000 + i * 1_000,
      features: { x: client * 100 + batch + i / 100, c: i % 2 ? 'a' : 'b' },
      prediction: i % 3,
      latencyMs: 5,
      error: i === 0 ? 'boom' : null,
      requestId: `g-${client}-${batch}-${i}`,
    }));

  it('counts every batch once, replays repeated batch ids exactly, and fails a bad batch alone', async () => {
    const post = (body: unknown) => call<Receipt>(url, 'POST', '/api/v1/predictions', { body });
    const replies = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        const mine: Array<{ batchId: string; status: number; body: Receipt }> = [];
        for (let batch = 0; batch < BATCHES_PER_CLIENT; batch++) {
          const batchId = `c${client}-b${batch}`;
          const body = { batchId, events: events(client, batch) };
          // Every third batch is sent twice at once (a client retrying before the answer came back).
          const sends = [post(body)];
          if (batch % 3 === 0) sends.push(copiesAtOnce ? post(body) : sends[0].then(() => post(body)));
          if (client === 0 && batch === 1)
            sends.push(
              post({ batchId: 'bad', events: [{ ...events(0, 99)[0], features: { x: 1, nope: 2 } }] }),
            );
          for (const r of await Promise.all(sends))
            mine.push({ batchId: r.body.batchId ?? 'bad', status: r.status, body: r.body });
        }
        return mine;
      }),
    );
    const all = replies.flat();
    const bad = all.filter((r) => r.batchId === 'bad');
    expect(bad.map((r) => r.status)).toEqual([400]);

    const good = all.filter((r) => r.batchId !== 'bad');
    const byBatch = new Map<string, typeof good>();
    for (const r of good) byBatch.set(r.batchId, [...(byBatch.get(r.batchId) ?? []), r]);
    expect(byBatch.size).toBe(CLIENTS * BATCHES_PER_CLIENT);
    for (const [, answers] of byBatch) {
      // One answer applied it (201); a concurrent copy replayed the same receipt (200, duplicate).
      expect(answers.filter((a) => a.status === 201 && !a.body.duplicate)).toHaveLength(1);
      for (const a of answers) expect(a.body.predictions).toBe(EVENTS);
      expect(answers.filter((a) => a.status === 200 && a.body.duplicate)).toHaveLength(answers.length - 1);
    }

    const total = CLIENTS * BATCHES_PER_CLIENT * EVENTS;
    const endpoint = await call<{ predictionCount: number; errorCount: number }>(
      url,
      'GET',
      `/api/v1/endpoints/${endpointId}`,
    );
    expect(endpoint.body).toMatchObject({
      predictionCount: total,
      errorCount: CLIENTS * BATCHES_PER_CLIENT,
    });
    const metrics = await call<{ rolling: { predictions1h: number; errors1h: number } }>(
      url,
      'GET',
      `/api/v1/endpoints/${endpointId}/metrics`,
    );
    expect(metrics.body.rolling).toMatchObject({
      predictions1h: total,
      errors1h: CLIENTS * BATCHES_PER_CLIENT,
    });

    // A later retry of any batch still replays it.
    const again = await post({ batchId: 'c3-b4', events: events(3, 4) });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, predictions: EVENTS });
  }, 120_000);
});
