import { PROFILE_EVENT } from '../tracking/providers';
import type { Random } from './random';

/** One event of a run, as POST /api/v1/experiments/:name/events takes it. */
export interface DemoEvent {
  event: string;
  key: string;
  value: number;
  step: number;
  dt: string;
  run: number;
}

/**
 * The samples a profiling run's client would have sent between `from` and `to` (ms), one every
 * `intervalMs`, as the SDKs' profilers send them: one `profile` event per statistic per sample,
 * the sample's number as step. CPU shares wander around a training job's load (a random walk
 * kept in [5, 95] %), memory load and the process's resident set grow slowly.
 */
export function profilingEvents(
  random: Random,
  run: number,
  from: number,
  to: number,
  intervalMs: number,
): DemoEvent[] {
  const events: DemoEvent[] = [];
  let cpu = 55;
  let rss = 180 * 2 ** 20;
  for (let t = from, step = 0; t < to; t += intervalMs, step += 1) {
    cpu = Math.min(95, Math.max(5, cpu + 8 * random.normal()));
    rss += Math.round(2 ** 20 * (1 + random.next()));
    const sample: Record<string, number> = {
      cpu_count: 4,
      cpu_percent: Math.round(cpu * 10) / 10,
      process_cpu_percent: Math.round(Math.min(100, cpu * 0.9 + 3 * random.next()) * 10) / 10,
      memory_load: Math.round((40 + step * 0.2 + random.next()) * 10) / 10,
      process_rss: rss,
    };
    const dt = new Date(t).toISOString();
    for (const [key, value] of Object.entries(sample))
      events.push({ event: PROFILE_EVENT, key, value, step, dt, run });
  }
  return events;
}
