import { RESOLUTION_MS, type AggregateRange, type Store } from '../../store/types';
import { CounterSet } from '../aggregates/counterSet';
import type { CounterFamily } from '../aggregates/layout';
import { alignDown, resolutionForStep, tileRange } from '../aggregates/tiling';

export interface SeriesPoint {
  /** Interval start, epoch ms. */
  time: number;
  counters: CounterSet;
}

export interface WindowSelection {
  families: readonly CounterFamily[];
  /** Only counters counted under this reference version (histograms are only comparable on one). */
  referenceVersion?: number;
}

/** Steps Grafana-style series snap to, so every step is a whole number of stored intervals. */
const NICE_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map(
  (m) => m * RESOLUTION_MS.minute,
);

/** Reads windows as merges of stored aggregates; never touches raw events. */
export class WindowService {
  constructor(private readonly store: Store) {}

  /** All selected counters of [from, to) merged. */
  async counters(
    endpointId: string,
    from: number,
    to: number,
    selection: WindowSelection,
  ): Promise<CounterSet> {
    const ranges = windowRanges(from, to, selection);
    return new CounterSet(await this.store.sumAggregates(ranges.map((r) => ({ ...r, endpointId }))));
  }

  /** counters() of several series (e.g. all segments of an endpoint) over one window, read together. */
  async countersOfEach(
    endpointIds: readonly string[],
    from: number,
    to: number,
    selection: WindowSelection,
  ): Promise<CounterSet[]> {
    const totals = await this.store.sumAggregatesOfEach(endpointIds, windowRanges(from, to, selection));
    return totals.map((t) => new CounterSet(t));
  }

  /** One point per step over [from, to); steps are aligned to multiples of the step since the epoch. */
  async series(
    endpointId: string,
    from: number,
    to: number,
    stepMs: number,
    selection: WindowSelection,
  ): Promise<SeriesPoint[]> {
    const step = niceStep(stepMs);
    const resolution = resolutionForStep(step);
    const start = alignDown(from, step);
    const points = new Map<number, CounterSet>();
    for (let t = start; t < to; t += step) points.set(t, new CounterSet());
    const reads = selection.families.map((family) =>
      this.store.listAggregates({
        endpointId,
        family,
        resolution,
        from: start,
        to,
        referenceVersion: selection.referenceVersion,
      }),
    );
    for (const record of (await Promise.all(reads)).flat())
      points.get(alignDown(record.key.start, step))?.merge(record);
    return [...points.entries()].map(([time, counters]) => ({ time, counters }));
  }
}

/** The stored ranges a window of [from, to) merges: each selected family over the window's tiles. */
function windowRanges(from: number, to: number, selection: WindowSelection): AggregateRange[] {
  const tiles = tileRange(from, to);
  return selection.families.flatMap((family) =>
    tiles.map((t) => ({
      family,
      resolution: t.resolution,
      from: t.from,
      to: t.to,
      referenceVersion: selection.referenceVersion,
    })),
  );
}

/** The smallest nice step at least `ms` (whole days beyond one day). */
export function niceStep(ms: number): number {
  const nice = NICE_STEPS_MS.find((s) => s >= ms);
  return nice ?? Math.ceil(ms / RESOLUTION_MS.day) * RESOLUTION_MS.day;
}

/** Grafana's step from its interval and point budget. */
export function stepFor(
  from: number,
  to: number,
  intervalMs: number | undefined,
  maxDataPoints: number | undefined,
): number {
  let step = Math.max(RESOLUTION_MS.minute, intervalMs ?? RESOLUTION_MS.minute);
  if (maxDataPoints && maxDataPoints > 0) step = Math.max(step, Math.ceil((to - from) / maxDataPoints));
  return niceStep(step);
}
