import type { RunningProxy } from '../../src/server';
import { call, startTestProxy } from '../helpers/proxy';
import { parsePromText } from '../helpers/promText';
import { segmentedEndpoint } from '../monitoring/segments/segmentTraffic';

describe('segment series in Prometheus', () => {
  let proxy: RunningProxy;
  let url: string;
  let id: string;

  beforeAll(async () => {
    proxy = await startTestProxy({ prometheusSegmentLimit: 4 });
    url = proxy.url;
    ({ id } = await segmentedEndpoint(proxy, true));
  });
  afterAll(() => proxy.close());

  it('exports segment statuses to Prometheus within the series limit, worst first', async () => {
    await proxy.services.evaluator.evaluateAll();
    const scrape = await call<string>(url, 'GET', '/metrics');
    const samples = parsePromText(scrape.body);
    const status = samples.filter((s) => s.name === 'driftwatch_segment_drift_status');
    // 6 segments had traffic in the evaluation window; the limit keeps 4, the drifted ones among them.
    expect(status).toHaveLength(4);
    expect(samples.find((s) => s.name === 'driftwatch_segment_series_dropped')?.value).toBe(2);
    for (const region of ['low', 'high'])
      expect(status.find((s) => s.labels.segment === region)).toMatchObject({
        labels: { endpoint: id, segment_key: 'region', segment: region },
        value: 2,
      });
    const n = samples.find(
      (s) => s.name === 'driftwatch_segment_window_predictions' && s.labels.segment === 'low',
    );
    expect(n?.value).toBe(100);
    const levels = status.map((s) => s.value);
    expect(levels).toEqual([...levels].sort((a, b) => b - a));
  });
});
