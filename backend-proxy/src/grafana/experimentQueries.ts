/**
 * Experiment tracking in Grafana: experiments and runs tables, metric series by step or by time
 * per run, params, and the profiling provider's system statistics.
 */
import { assertProject } from '../auth/apiKeyService';
import { InvalidInputError } from '../errors';
import type { ExperimentRef, TrackingEvent } from '../store/types';
import type { DataFilter } from '../tracking/experimentService';
import { finiteOrNull } from '../monitoring/stats/finite';
import { visible, type QueryContext } from './context';
import {
  field,
  frame,
  table,
  timeSeries,
  type Cell,
  type DataFrame,
  type Table,
  type TimeSeries,
} from './frames';
import type { TargetQuery } from './targets';
import { PROFILE_EVENT, SYSTEM_EVENT } from '../tracking/providers';

const DEFAULT_PROJECT = 'default';

/** The experiments a target names (each must exist, else 400): `experiment` in each `project` (default: "default"). */
async function selectExperiments(ctx: QueryContext, q: TargetQuery): Promise<ExperimentRef[]> {
  if (!q.experiment)
    throw new InvalidInputError(`${q.target_endpoint} needs experiment`, [
      { path: 'experiment', message: 'give one or more experiment names' },
    ]);
  const projects = q.project ?? [DEFAULT_PROJECT];
  for (const project of projects) assertProject(ctx.access, project);
  const refs = projects.flatMap((project) => (q.experiment ?? []).map((name) => ({ project, name })));
  const found = await Promise.all(refs.map((ref) => ctx.deps.store.getExperiment(ref)));
  const existing = refs.filter((_, i) => found[i] !== null);
  if (existing.length === 0)
    throw new InvalidInputError('unknown experiment', { experiment: q.experiment, project: projects });
  return existing;
}

/** Experiments are named alone when only one is shown, else "project/name". */
const labelFor = (refs: ExperimentRef[]) => (ref: ExperimentRef) =>
  refs.length === 1
    ? ''
    : new Set(refs.map((r) => r.project)).size > 1
      ? `${ref.project}/${ref.name} `
      : `${ref.name} `;

async function allEvents(
  ctx: QueryContext,
  ref: ExperimentRef,
  filter: DataFilter,
): Promise<TrackingEvent[]> {
  const events: TrackingEvent[] = [];
  for await (const e of ctx.deps.experiments.streamData(ref, filter)) events.push(e);
  return events;
}

/** The request's range, for targets plotted against time. */
const timeFilter = (ctx: QueryContext) => ({
  since: new Date(ctx.window.from),
  end: new Date(ctx.window.to),
});

export async function experimentsTable(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const projects = visible(ctx.access, q.project);
  const list = projects && projects.length === 0 ? [] : await ctx.deps.experiments.list(projects);
  return [
    table(
      [
        ['project', 'string'],
        ['experiment', 'string'],
        ['provider', 'string'],
        ['created', 'time'],
        ['last_activity', 'time'],
        ['runs', 'number'],
      ],
      list
        .filter((e) => !q.experiment || q.experiment.includes(e.name))
        .map((e) => [
          e.project,
          e.name,
          e.provider,
          e.createdAt.getTime(),
          e.lastActivity.getTime(),
          e.runCount,
        ]),
    ),
  ];
}

/** One row per run: status, times, duration and the last value of each metric (one column per metric key). */
export async function runsTable(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const refs = await selectExperiments(ctx, q);
  const summaries = await Promise.all(
    refs.map(async (ref) => ({ ref, runs: await ctx.deps.experiments.summary(ref, q.run ?? 'all') })),
  );
  const keys = [...new Set(summaries.flatMap((s) => s.runs.flatMap((r) => Object.keys(r.metrics))))]
    .filter((k) => !q.key || q.key.includes(k))
    .sort();
  const rows = summaries.flatMap(({ ref, runs }) =>
    runs.map((r): Cell[] => [
      ref.project,
      ref.name,
      r.run,
      r.status,
      r.startedAt.getTime(),
      r.stoppedAt?.getTime() ?? null,
      r.stoppedAt ? (r.stoppedAt.getTime() - r.startedAt.getTime()) / 1_000 : null,
      ...keys.map((k) => finiteOrNull(r.metrics[k]?.last)),
    ]),
  );
  return [
    table(
      [
        ['project', 'string'],
        ['experiment', 'string'],
        ['run', 'number'],
        ['status', 'string'],
        ['started', 'time'],
        ['stopped', 'time'],
        ['duration_s', 'number'],
        ...keys.map((k): [string, 'number'] => [k, 'number']),
      ],
      rows,
    ),
  ];
}

/** One row per run, one column per param (last value wins, as in the run summary); numeric params stay numbers. */
export async function runParams(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const refs = await selectExperiments(ctx, q);
  const summaries = await Promise.all(
    refs.map(async (ref) => ({ ref, runs: await ctx.deps.experiments.summary(ref, q.run ?? 'all') })),
  );
  const runs = summaries.flatMap(({ ref, runs: list }) => list.map((r) => ({ ref, r })));
  const keys = [...new Set(runs.flatMap(({ r }) => Object.keys(r.params)))]
    .filter((k) => !q.key || q.key.includes(k))
    .sort();
  // A column is numeric when every run's value is a number; otherwise values are shown as text.
  const numeric = new Set(
    keys.filter((k) =>
      runs.every(
        ({ r }) => r.params[k] === undefined || r.params[k] === null || typeof r.params[k] === 'number',
      ),
    ),
  );
  const cell = (k: string, v: unknown): Cell => {
    if (v === undefined || v === null) return null;
    if (numeric.has(k)) return v as number;
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
  return [
    table(
      [
        ['project', 'string'],
        ['experiment', 'string'],
        ['run', 'number'],
        ...keys.map((k): [string, 'number' | 'string'] => [k, numeric.has(k) ? 'number' : 'string']),
      ],
      runs.map(({ ref, r }): Cell[] => [
        ref.project,
        ref.name,
        r.run,
        ...keys.map((k) => cell(k, r.params[k])),
      ]),
    ),
  ];
}

/**
 * Metric values per run. `by=time` (default): time series over the request's range, named
 * "<key> run <n>". `by=step`: one frame per run and key with a numeric `step` field first (for
 * XY and trend panels), over all steps whatever the time range, since steps are not times.
 */
export async function runMetrics(ctx: QueryContext, q: TargetQuery): Promise<Array<TimeSeries | DataFrame>> {
  const refs = await selectExperiments(ctx, q);
  const byStep = q.by === 'step';
  const prefix = labelFor(refs);
  const out: Array<TimeSeries | DataFrame> = [];
  for (const ref of refs) {
    const events = await allEvents(ctx, ref, {
      run: q.run,
      events: ['metric'],
      keys: q.key,
      ...(byStep ? {} : timeFilter(ctx)),
    });
    const groups = new Map<string, TrackingEvent[]>();
    for (const e of events) {
      if (typeof e.value !== 'number' || !Number.isFinite(e.value)) continue;
      if (byStep && e.step === null) continue;
      const id = `${e.key}\u0000${e.run}`;
      const group = groups.get(id) ?? [];
      group.push(e);
      groups.set(id, group);
    }
    const ordered = [...groups.values()].sort(
      (a, b) => a[0].key.localeCompare(b[0].key) || a[0].run - b[0].run,
    );
    for (const group of ordered) {
      const { key, run } = group[0];
      const name = `${prefix(ref)}${key} run ${run}`;
      if (byStep) {
        const sorted = [...group].sort((a, b) => (a.step as number) - (b.step as number));
        const labels = { experiment: ref.name, run: String(run) };
        out.push(
          frame(name, [
            field(
              'step',
              'number',
              sorted.map((e) => e.step),
            ),
            field(
              key,
              'number',
              sorted.map((e) => e.value),
              { labels, config: { displayName: name } },
            ),
          ]),
        );
      } else {
        out.push(
          timeSeries(
            name,
            group.map((e) => [e.value as number, e.dt.getTime()]),
          ),
        );
      }
    }
  }
  return out;
}

/** A `system` event's numeric statistics: a number under its key, or an object's numeric properties as key.property. */
function statistics(e: TrackingEvent): Array<[string, number]> {
  if (typeof e.value === 'number') return Number.isFinite(e.value) ? [[e.key, e.value]] : [];
  if (typeof e.value !== 'object' || e.value === null || Array.isArray(e.value)) return [];
  return Object.entries(e.value as Record<string, unknown>).flatMap(([k, v]): Array<[string, number]> =>
    typeof v === 'number' && Number.isFinite(v) ? [[`${e.key}.${k}`, v]] : [],
  );
}

async function profilingValues(ctx: QueryContext, q: TargetQuery) {
  const refs = await selectExperiments(ctx, q);
  const prefix = labelFor(refs);
  const groups = new Map<
    string,
    { ref: ExperimentRef; run: number; stat: string; points: Array<[number, number]> }
  >();
  for (const ref of refs) {
    for (const e of await allEvents(ctx, ref, {
      run: q.run,
      events: [PROFILE_EVENT, SYSTEM_EVENT],
      ...timeFilter(ctx),
    })) {
      for (const [stat, value] of statistics(e)) {
        if (q.key && !q.key.includes(stat)) continue;
        const id = `${ref.project}\u0000${ref.name}\u0000${e.run}\u0000${stat}`;
        const group = groups.get(id) ?? { ref, run: e.run, stat, points: [] };
        group.points.push([value, e.dt.getTime()]);
        groups.set(id, group);
      }
    }
  }
  return {
    prefix,
    groups: [...groups.values()].sort((a, b) => a.stat.localeCompare(b.stat) || a.run - b.run),
  };
}

/** The profiling provider's system statistics per run over the range: count, min, mean, max, last. */
export async function profilingTable(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const { groups } = await profilingValues(ctx, q);
  return [
    table(
      [
        ['project', 'string'],
        ['experiment', 'string'],
        ['run', 'number'],
        ['stat', 'string'],
        ['count', 'number'],
        ['min', 'number'],
        ['mean', 'number'],
        ['max', 'number'],
        ['last', 'number'],
      ],
      groups.map(({ ref, run, stat, points }) => {
        // One pass: spreading a long run's samples into Math.min/max overflows the call stack.
        let min = Infinity;
        let max = -Infinity;
        let sum = 0;
        for (const [v] of points) {
          min = Math.min(min, v);
          max = Math.max(max, v);
          sum += v;
        }
        return [
          ref.project,
          ref.name,
          run,
          stat,
          points.length,
          min,
          sum / points.length,
          max,
          points.at(-1)?.[0] ?? null,
        ];
      }),
    ),
  ];
}

/** The same statistics as time series, "<stat> run <n>". */
export async function profilingSeries(ctx: QueryContext, q: TargetQuery): Promise<TimeSeries[]> {
  const { prefix, groups } = await profilingValues(ctx, q);
  return groups.map(({ ref, run, stat, points }) => timeSeries(`${prefix(ref)}${stat} run ${run}`, points));
}
