/** Alert states and monitor job states as tables, for the Overview and Performance dashboards. */
import { endpointNames, visible, type QueryContext } from './context';
import { table, type Table } from './frames';
import type { TargetQuery } from './targets';

const timeOrNull = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/** One row per (rule, endpoint): phase (inactive, pending, firing), value, since when. */
export async function alertStates(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const projects = visible(ctx.access, q.project);
  const states = projects && projects.length === 0 ? [] : await ctx.deps.alerts.states(projects);
  const selected = states.filter((s) => !q.endpoint_id || q.endpoint_id.includes(s.endpointId));
  const endpoints = (
    await Promise.all(
      [...new Set(selected.map((s) => s.endpointId))].map((id) => ctx.deps.store.getEndpoint(id)),
    )
  ).filter((e) => e !== null);
  const names = endpointNames(endpoints);
  return [
    table(
      [
        ['project', 'string'],
        ['rule', 'string'],
        ['endpoint_id', 'string'],
        ['endpoint', 'string'],
        ['state', 'string'],
        ['value', 'number'],
        ['active_since', 'time'],
        ['last_transition', 'string'],
        ['last_transition_at', 'time'],
        ['evaluated_at', 'time'],
      ],
      selected.map((s) => [
        s.project,
        s.ruleName,
        s.endpointId,
        names.get(s.endpointId) ?? s.endpointId,
        s.phase,
        s.value,
        timeOrNull(s.activeSince),
        s.lastTransition,
        timeOrNull(s.lastTransitionAt),
        Date.parse(s.evaluatedAt),
      ]),
    ),
  ];
}

/** One row per monitor job: schedule, last and next run, duration, last error and result. */
export async function jobStates(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const projects = visible(ctx.access, q.project);
  const jobs = projects && projects.length === 0 ? [] : await ctx.deps.jobs.list(projects);
  return [
    table(
      [
        ['project', 'string'],
        ['job', 'string'],
        ['monitor', 'string'],
        ['schedule', 'string'],
        ['enabled', 'boolean'],
        ['last_run', 'time'],
        ['next_run', 'time'],
        ['duration_ms', 'number'],
        ['runs', 'number'],
        ['failures', 'number'],
        ['last_error', 'string'],
        ['drift_status', 'string'],
      ],
      jobs.map((j) => [
        j.project,
        j.name,
        j.monitor,
        j.schedule.text,
        j.enabled,
        timeOrNull(j.lastRunAt),
        Date.parse(j.nextRunAt),
        j.lastDurationMs,
        j.runs,
        j.failures,
        j.lastError,
        j.lastResult?.status ?? null,
      ]),
    ),
  ];
}
