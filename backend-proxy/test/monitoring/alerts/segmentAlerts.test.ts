import type { RunningProxy } from '../../../src/server';
import { call, startTestProxy } from '../../helpers/proxy';
import { segmentedEndpoint } from '../segments/segmentTraffic';

describe('alert rules on a segment', () => {
  let proxy: RunningProxy;
  let url: string;
  let id: string;

  beforeAll(async () => {
    proxy = await startTestProxy();
    url = proxy.url;
    ({ id } = await segmentedEndpoint(proxy, true));
  });
  afterAll(() => proxy.close());

  it('evaluates alert rules on a segment', async () => {
    const rule = (extra: Record<string, unknown>) =>
      call<{ id: string; error?: string; details?: unknown }>(url, 'POST', '/api/v1/alerts/rules', {
        body: {
          name: 'drift',
          project: 'shop',
          metric: 'drift_status',
          comparison: '>=',
          threshold: 2,
          ...extra,
        },
      });
    const onSegment = await rule({ endpoint: id, segment: { key: 'region', value: 'low' } });
    expect(onSegment.status).toBe(201);
    const whole = await rule({ endpoint: id });
    const notYet = await rule({ endpoint: id, segment: { key: 'region', value: 'north' } });
    expect(notYet.status).toBe(201);
    const noEndpoint = await rule({ segment: { key: 'region', value: 'low' } });
    expect(noEndpoint.status).toBe(400);
    expect(noEndpoint.body.details).toEqual([
      {
        path: 'body.segment',
        message: 'a segment rule needs "endpoint" (segment keys are declared per endpoint)',
      },
    ]);
    const unknownKey = await rule({ endpoint: id, segment: { key: 'tier', value: 'gold' } });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.body.error).toMatch(/has no segment key "tier"/);

    await proxy.services.evaluator.evaluateAll();
    const states = await call<{
      alerts: Array<{ ruleId: string; phase: string; value: number | null; segment?: unknown }>;
    }>(url, 'GET', '/api/v1/alerts');
    const of = (ruleId: string) => states.body.alerts.find((a) => a.ruleId === ruleId);
    expect(of(onSegment.body.id)).toMatchObject({
      phase: 'firing',
      value: 2,
      segment: { key: 'region', value: 'low' },
    });
    expect(of(whole.body.id)).toMatchObject({ phase: 'inactive', value: 0 });
    expect(of(notYet.body.id)).toMatchObject({ phase: 'inactive', value: null });
    for (const r of [onSegment, whole, notYet])
      expect((await call(url, 'DELETE', `/api/v1/alerts/rules/${r.body.id}`)).status).toBe(204);
  });
});
