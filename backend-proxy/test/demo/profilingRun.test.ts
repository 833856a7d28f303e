import { profilingEvents } from '../../src/demo/profilingRun';
import { Random } from '../../src/demo/random';
import { PROFILE_EVENT } from '../../src/tracking/providers';

describe('the demo profiling run', () => {
  const from = Date.UTC(2026, 0, 1, 12, 0, 0);
  const events = profilingEvents(new Random(7), 4, from, from + 10 * 60_000, 30_000);

  it('sends one profile event per statistic per sample, as the SDK profilers do', () => {
    expect(events).toHaveLength(20 * 5);
    expect(new Set(events.map((e) => e.event))).toEqual(new Set([PROFILE_EVENT]));
    expect(new Set(events.map((e) => e.run))).toEqual(new Set([4]));
    const first = events.filter((e) => e.step === 0);
    expect(first.map((e) => e.key)).toEqual([
      'cpu_count',
      'cpu_percent',
      'process_cpu_percent',
      'memory_load',
      'process_rss',
    ]);
    expect(new Set(first.map((e) => e.dt))).toEqual(new Set(['2026-01-01T12:00:00.000Z']));
    expect(events.filter((e) => e.step === 19)[0].dt).toBe('2026-01-01T12:09:30.000Z');
  });

  it('keeps CPU shares in [5, 95] % and grows the resident set', () => {
    const values = (key: string) => events.filter((e) => e.key === key).map((e) => e.value);
    for (const v of [...values('cpu_percent'), ...values('process_cpu_percent')]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(100);
    }
    expect(Math.min(...values('cpu_percent'))).toBeGreaterThanOrEqual(5);
    expect(Math.max(...values('cpu_percent'))).toBeLessThanOrEqual(95);
    const rss = values('process_rss');
    for (let i = 1; i < rss.length; i++) expect(rss[i]).toBeGreaterThan(rss[i - 1]);
  });
});
