import { RESOLUTION_MS } from '../../store/types';
import { CounterSet } from '../aggregates/counterSet';
import { alignUp } from '../aggregates/tiling';
import type { WindowService } from './windowService';
import { stepFor } from './windowService';
import type { TaskSetting } from '../accuracy/task';
import { operationalFigures, type OperationalFigures } from './operationalFigures';

export interface MetricsPoint extends OperationalFigures {
  time: number;
}

/** MLRun's rolling figures, as of `now`. */
export interface RollingFigures {
  predictionsPerSecond5m: number;
  latencyAvg5mMs: number | null;
  latencyAvg1hMs: number | null;
  predictions5m: number;
  predictions1h: number;
  errors1h: number;
}

const FIVE_MINUTES = 5 * RESOLUTION_MS.minute;
/** Rolling figures read no labelled figure, so no endpoint's task is needed for them. */
const UNLABELLED: TaskSetting = { explicit: null, predictionKind: undefined };

export class MetricsService {
  constructor(
    private readonly windows: WindowService,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Operational figures per step over [from, to); predictions/s per step. */
  async series(
    endpointId: string,
    task: TaskSetting,
    from: number,
    to: number,
    step: { intervalMs?: number; maxDataPoints?: number },
  ): Promise<{ stepMs: number; points: MetricsPoint[] }> {
    const stepMs = stepFor(from, to, step.intervalMs, step.maxDataPoints);
    const points = await this.windows.series(endpointId, from, to, stepMs, { families: ['ops'] });
    return {
      stepMs,
      points: points.map((p) => ({ time: p.time, ...operationalFigures(p.counters, stepMs, task) })),
    };
  }

  /** Figures of the whole of [from, to). */
  async window(endpointId: string, task: TaskSetting, from: number, to: number): Promise<OperationalFigures> {
    return operationalFigures(
      await this.windows.counters(endpointId, from, to, { families: ['ops'] }),
      to - from,
      task,
    );
  }

  async rolling(endpointId: string): Promise<RollingFigures> {
    const now = this.clock().getTime();
    // Windows end with the current (partial) minute; rates divide by the time they really cover.
    const end = alignUp(now + 1, RESOLUTION_MS.minute);
    // One read of the hour's minutes serves both windows (listing 100 endpoints does this 100 times).
    const minutes = await this.windows.series(
      endpointId,
      end - RESOLUTION_MS.hour,
      end,
      RESOLUTION_MS.minute,
      { families: ['ops'] },
    );
    const merged = (length: number) => {
      const counters = new CounterSet();
      for (const m of minutes) if (m.time >= end - length) counters.merge(m.counters);
      return operationalFigures(counters, now - (end - length), UNLABELLED);
    };
    const last5m = merged(FIVE_MINUTES);
    const last1h = merged(RESOLUTION_MS.hour);
    return {
      predictionsPerSecond5m: last5m.predictionsPerSecond,
      latencyAvg5mMs: last5m.latencyMeanMs,
      latencyAvg1hMs: last1h.latencyMeanMs,
      predictions5m: last5m.predictions,
      predictions1h: last1h.predictions,
      errors1h: last1h.errors,
    };
  }
}
