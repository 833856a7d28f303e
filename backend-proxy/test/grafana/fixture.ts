/**
 * Known data for the Grafana API tests, seeded over real HTTP as a client would, with the
 * expected values derived by hand (see the comments) rather than by the code under test.
 */
import { normalise, xBin } from '../helpers/histogramMath';
import type { Config } from '../../src/config';
import type { RunningProxy } from '../../src/server';
import { call, startTestProxy } from '../helpers/proxy';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export interface Fixture {
  proxy: RunningProxy;
  url: string;
  /** Start of the hour three to four hours ago: batch 1 is at base, batch 2 at base + 20 min. */
  base: number;
  churn: string;
  fraud: string;
  iris: string;
  /** When the recent batch (2 minutes ago) was sent. */
  recentAt: number;
  close(): Promise<void>;
}

// Batch values (the monitoring API test's): x has two missing, two outside the reference's 0..99.
export const XS = [0, 1, 2, 3, 4, 50, 99, -5, 120, null];
export const CS = ['a', 'a', 'b', 'z', 'a', 'c', null, 'b', 'a', 'a'];

/** The reference's histograms of x (0..99: 20 bins of width 4.95 and open bins 0 and 21) and of c. */
export const REFERENCE_X = [0, ...new Array(20).fill(5), 0];
export const REFERENCE_C = [50, 30, 20, 0];
/** Both batches together: each x value twice. */
export const ACTUAL_X = (() => {
  const h = new Array(22).fill(0);
  for (const v of XS) if (v !== null) h[xBin(v)] += 2;
  return h;
})();
/** c over both batches: a 10, b 4, c 2, other (z) 2; the two nulls are missing. */
export const ACTUAL_C = [10, 4, 2, 2];

// Independent arithmetic on the histograms, as MLRun defines the measures (helpers/histogramMath.ts).
export { hellinger, tvd, xBin } from '../helpers/histogramMath';

/** MLRun's symmetric KL: empty bins weigh 0 and divide as 1e-4. */
export const kld = (a: number[], b: number[]) => {
  const [p, q] = [normalise(a), normalise(b)];
  const kl = (x: number[], y: number[]) =>
    x.reduce((s, xi, i) => (xi === 0 ? s : s + xi * Math.log(xi / (y[i] === 0 ? 1e-4 : y[i]))), 0);
  return kl(p, q) + kl(q, p);
};

export async function startFixture(overrides: Partial<Config> = {}): Promise<Fixture> {
  const proxy = await startTestProxy(overrides);
  const url = proxy.url;
  const now = Date.now();
  const base = Math.floor((now - 3 * HOUR) / HOUR) * HOUR;

  const register = async (body: Record<string, unknown>) => {
    const reply = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', { body });
    if (reply.status !== 201) throw new Error(`register: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.id;
  };
  // The fixture's windows hold a handful of predictions (hand-countable), below the default
  // policy's minimum sample of 100: the shop project lowers it to 5 so its windows get a status.
  const settings = await call(url, 'PUT', '/api/v1/projects/shop/settings', {
    body: { thresholds: { minSample: 5 } },
  });
  if (settings.status !== 200) throw new Error(`project settings: ${settings.status}`);
  const churn = await register({
    project: 'shop',
    model: 'churn',
    version: 'v1',
    function: 'churn-server',
    modelClass: 'sklearn.LogisticRegression',
    labels: { team: 'growth' },
    features: [
      { name: 'x', kind: 'numeric' },
      { name: 'c', kind: 'categorical' },
    ],
    predictionColumns: [{ name: 'prediction', kind: 'categorical' }],
    labelColumns: ['label'],
  });
  const fraud = await register({
    project: 'shop',
    model: 'fraud.gbm',
    version: 'v2',
    features: [{ name: 'amount', kind: 'numeric' }],
  });
  const iris = await register({
    project: 'other',
    model: 'iris',
    version: 'v1',
    features: [{ name: 'petal', kind: 'numeric' }],
  });

  const rows = Array.from({ length: 100 }, (_, i) => ({
    x: i,
    c: i < 50 ? 'a' : i < 80 ? 'b' : 'c',
    prediction: i % 2 ? 'yes' : 'no',
    label: i % 2 ? 'yes' : 'no',
  }));
  const reference = await call(url, 'PUT', `/api/v1/endpoints/${churn}/reference`, { body: { rows } });
  if (reference.status !== 201) throw new Error(`reference: ${reference.status}`);

  const batch = (offset: number) =>
    XS.map((x, i) => ({
      endpoint: churn,
      timestamp: base + offset + i * 1_000,
      features: { x, c: CS[i] },
      prediction: i % 3 ? 'yes' : 'no',
      latencyMs: 10 + i,
      error: i === 9 ? 'timeout' : null,
      requestId: `r-${offset}-${i}`,
    }));
  const post = async (body: unknown) => {
    const reply = await call(url, 'POST', '/api/v1/predictions', { body });
    if (reply.status !== 201) throw new Error(`predictions: ${reply.status} ${JSON.stringify(reply.body)}`);
  };
  await post(batch(0));
  await post(batch(20 * MINUTE));
  // Ground truth for batch 1: all "yes"; its predictions were yes for i % 3 != 0, so 6 of 10 right.
  await call(url, 'POST', '/api/v1/labels', {
    body: XS.map((_, i) => ({ requestId: `r-0-${i}`, label: 'yes' })),
  });
  // fraud: 5 predictions a minute after base, 100 ms each.
  await post(
    Array.from({ length: 5 }, (_, i) => ({
      endpoint: fraud,
      timestamp: base + MINUTE + i * 1_000,
      features: { amount: 10 * i },
      latencyMs: 100,
    })),
  );
  // A recent, drifted batch for churn (all x beyond the reference, all c unseen): 6 predictions of 20 ms.
  const recentAt = Date.now() - 2 * MINUTE;
  await post(
    Array.from({ length: 6 }, (_, i) => ({
      endpoint: churn,
      timestamp: recentAt + i,
      features: { x: 500 + i, c: 'zz' },
      prediction: 'no',
      latencyMs: 20,
    })),
  );

  // One evaluation (as the evaluator's timer would): churn drifts, fraud has no reference.
  for (const id of [churn, fraud]) {
    const endpoint = await proxy.services.store.getEndpoint(id);
    if (endpoint) await proxy.services.evaluator.evaluate(endpoint);
  }

  // An experiment: two runs of loss by step, a param, profiling statistics.
  const ref = { project: 'shop', name: 'exp' };
  const origin = { node: 'test', userid: 'test' };
  const exp = proxy.services.experiments;
  await exp.startRun(ref, 'profiling', origin);
  await exp.logEvents(
    ref,
    [
      ...[1, 0.5, 0.25].map((value, step) => ({
        event: 'metric',
        key: 'loss',
        value,
        step,
        dt: new Date(base + step * MINUTE),
        run: 1,
      })),
      { event: 'param', key: 'lr', value: 0.1, run: 1 },
      { event: 'system', key: 'stats', value: { cpu: 10, memory_mb: 100 }, dt: new Date(base), run: 1 },
      {
        event: 'system',
        key: 'stats',
        value: { cpu: 30, memory_mb: 300 },
        dt: new Date(base + MINUTE),
        run: 1,
      },
    ],
    origin,
  );
  await exp.startRun(ref, undefined, origin);
  await exp.logEvents(
    ref,
    [
      ...[0.9, 0.4].map((value, step) => ({
        event: 'metric',
        key: 'loss',
        value,
        step,
        dt: new Date(base + 10 * MINUTE + step * MINUTE),
        run: 2,
      })),
      { event: 'param', key: 'lr', value: 0.01, run: 2 },
    ],
    origin,
  );

  return { proxy, url, base, churn, fraud, iris, recentAt, close: () => proxy.close() };
}

/** A Grafana query body over [from, to) with the given targets. */
export function queryBody(
  from: number,
  to: number,
  targets: Array<Record<string, unknown>>,
  extra: Record<string, unknown> = {},
) {
  return {
    range: {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      raw: { from: 'now-6h', to: 'now' },
    },
    rangeRaw: { from: 'now-6h', to: 'now' },
    intervalMs: MINUTE,
    maxDataPoints: 1_000,
    targets,
    ...extra,
  };
}
