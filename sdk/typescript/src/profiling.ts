import { cpus, freemem, loadavg, totalmem } from 'node:os';

/** The `event` of the samples, as omega-ml's profiling provider names it. */
export const PROFILE_EVENT = 'profile';

export interface ProfilingOptions {
  /** Time between samples, ms. A sample is also taken when the run stops. Default 5000. */
  intervalMs?: number;
}

/** One sample; CPU shares cover the time since the previous sample. Keys match the Python client's. */
export interface SystemSample {
  /** Busy share of all CPUs, percent. */
  cpu_percent: number;
  /** This process's CPU time over wall time, percent (can exceed 100 with several threads). */
  process_cpu_percent: number;
  /** Used share of the machine's memory, percent. */
  memory_load: number;
  memory_total: number;
  process_rss: number;
  load_1m: number;
  load_5m: number;
  load_15m: number;
  cpu_count: number;
}

/** Cumulative CPU counters; shares are computed between two of these. */
export interface CpuSnapshot {
  busy: number;
  total: number;
  process: NodeJS.CpuUsage;
  wallMs: number;
}

export function takeCpuSnapshot(): CpuSnapshot {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, idle, irq } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + idle + irq;
  }
  return { busy, total, process: process.cpuUsage(), wallMs: performance.now() };
}

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0);

/** Reads the machine and process figures now, relative to `since` for the CPU shares. */
export function sampleSystem(since: CpuSnapshot): { sample: SystemSample; next: CpuSnapshot } {
  const now = takeCpuSnapshot();
  const processMicros = now.process.user + now.process.system - (since.process.user + since.process.system);
  const [load1, load5, load15] = loadavg();
  const total = totalmem();
  return {
    next: now,
    sample: {
      cpu_percent: percent(now.busy - since.busy, now.total - since.total),
      process_cpu_percent: percent(processMicros / 1000, now.wallMs - since.wallMs),
      memory_load: percent(total - freemem(), total),
      memory_total: total,
      process_rss: process.memoryUsage.rss(),
      load_1m: load1,
      load_5m: load5,
      load_15m: load15,
      cpu_count: cpus().length,
    },
  };
}

/**
 * Samples CPU, memory and load in the background while a run is active (the `profiling`
 * provider). The timer is unref'd so that it never keeps the process alive by itself.
 */
export class Profiler {
  private timer: NodeJS.Timeout | null = null;
  private last: CpuSnapshot | null = null;
  private step = 0;

  constructor(
    private readonly sink: (sample: SystemSample, step: number, at: Date) => void,
    readonly intervalMs = 5_000,
  ) {}

  start(): void {
    if (this.timer) return;
    this.last = takeCpuSnapshot();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Takes a last sample, so that even a run shorter than the interval has one. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.sample();
  }

  private sample(): void {
    if (!this.last) return;
    const { sample, next } = sampleSystem(this.last);
    this.last = next;
    this.sink(sample, this.step++, new Date());
  }
}
