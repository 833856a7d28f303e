/**
 * The dashboard contract: every panel of the committed dashboards, run against a real seeded proxy
 * over HTTP as the Driftwatch data source (plugin/src/datasource) sends it: template variables
 * resolved through `/grafana/variable`, then one `/grafana/query` per query with the SimpleJSON
 * body (absolute range and the raw one, intervalMs, maxDataPoints, the target interpolated in
 * Grafana's `regex` format, a repeated panel's value as its scoped variable). The answers go
 * through @grafana/data (toDataFrame, the panel's own transformations, getHistogramFields, the stat
 * panel's getFieldDisplayValues) and are checked against what the panel type needs.
 */
import type { Dashboard, Panel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { DRIFTWATCH_DATASOURCE_UID, FEATURE_DRIFT_PANEL_ID, type DashboardName } from '../src/constants';
import {
  convertWithGrafana,
  type Conversion,
  type ConversionRequest,
  type PlainFrame,
} from './helpers/grafanaData';
import {
  DASHBOARD_NAMES,
  durationMs,
  interpolate,
  loadDashboard,
  panelsOf,
  queriesOf,
  relativeMs,
  selectedValues,
  variableQuery,
  variablesOf,
  type ResolvedVariable,
  type StoredQuery,
} from './helpers/dashboardModel';
import { startSeededProxy, type SeededProxy } from './helpers/seededProxy';

/** Panels allowed to be empty on the demo data, and why. Every other panel must show data. */
const MAY_BE_EMPTY: Record<string, string> = {
  'MAE and RMSE': 'regression metrics; the demo models are classifiers',
  'Endpoints whose reference came from this experiment':
    'the demo uploads its references rather than building them from run artifacts',
};
/** What Grafana sends as maxDataPoints when a panel sets none: about the panel's width in pixels. */
const DEFAULT_MAX_DATA_POINTS = 1_000;
/** Single-value variables are tried with each of their options, up to this many combinations. */
const MAX_COMBINATIONS = 8;
/**
 * Variables that rightly list nothing while the variable named here is on All: with
 * `$segment_key` on All (the whole endpoint) there is no key whose segments to list.
 */
const EMPTY_WHILE_ALL: Record<string, string> = { segment: 'segment_key' };
/** Variables starting on All that are tried with each of their options too (a segment key restricts panels). */
const ALSO_EACH_OPTION = new Set(['segment_key']);

interface QueryReply {
  status: number;
  body: unknown;
}

/** One panel (or one repetition of it) under one combination of variable values. */
interface PanelRun {
  panel: Panel;
  /** The panel title as Grafana shows it, and the variable values, for messages. */
  label: string;
  /** One request and answer per query of the panel. */
  replies: Array<{ request: Record<string, unknown>; reply: QueryReply }>;
  conversion?: Conversion;
}

interface DashboardRun {
  dashboard: Dashboard;
  combinations: Array<Map<string, ResolvedVariable>>;
  panels: PanelRun[];
  variableProblems: string[];
  annotationProblems: string[];
}

let seeded: SeededProxy;
const runs = new Map<DashboardName, DashboardRun>();
let heatmapRowsType = '';

const postQuery = (body: unknown) => post('/grafana/query', body);

async function post(path: string, body: unknown): Promise<QueryReply> {
  const response = await fetch(`${seeded.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/** The range Grafana resolves a dashboard's default time picker to, as the request carries it. */
function rangeOf(dashboard: Dashboard, now: number) {
  const raw = { from: dashboard.time?.from ?? 'now-6h', to: 'now' };
  return { from: now - relativeMs(raw.from), to: now, raw };
}

/**
 * The body the data source posts for one query of a panel: SimpleJSON's fields, with the interval
 * Grafana computes (rangeUtil.calculateInterval: the range over the point budget, never below the
 * panel's min interval) and the target interpolated.
 */
function queryBody(
  dashboard: Dashboard,
  panel: { interval?: string; maxDataPoints?: number },
  query: StoredQuery,
  variables: Map<string, ResolvedVariable>,
  scoped: Record<string, string>,
  now: number,
): Record<string, unknown> {
  const range = rangeOf(dashboard, now);
  const maxDataPoints = panel.maxDataPoints ?? DEFAULT_MAX_DATA_POINTS;
  const intervalMs = Math.max(
    Math.ceil((range.to - range.from) / maxDataPoints / 1_000) * 1_000,
    panel.interval ? durationMs(panel.interval) : 0,
  );
  return {
    range: { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() },
    rangeRaw: range.raw,
    intervalMs,
    maxDataPoints,
    targets: [{ refId: query.refId, target: interpolate(query.target ?? '', variables, scoped) }],
  };
}

/** All queries of a panel, one request each (so one failing query does not blank the others), answers in order. */
async function runQueries(
  dashboard: Dashboard,
  panel: Panel | { interval?: string },
  queries: StoredQuery[],
  variables: Map<string, ResolvedVariable>,
  scoped: Record<string, string>,
  now: number,
) {
  const replies: Array<{ request: Record<string, unknown>; reply: QueryReply }> = [];
  for (const query of queries.filter((q) => !q.hide)) {
    const request = queryBody(dashboard, panel, query, variables, scoped, now);
    replies.push({ request, reply: await postQuery(request) });
  }
  return replies;
}

/**
 * Every combination of variable values to try: "All" where a variable starts on All, each option
 * of a single-value variable (so Details runs once per endpoint), in dependency order.
 */
async function resolveVariables(
  dashboard: Dashboard,
  now: number,
  problems: string[],
): Promise<Array<Map<string, ResolvedVariable>>> {
  let combinations: Array<Map<string, ResolvedVariable>> = [new Map()];
  for (const variable of variablesOf(dashboard)) {
    if (variable.type === 'datasource') {
      for (const c of combinations)
        c.set(variable.name, {
          variable,
          options: [{ text: 'Driftwatch', value: DRIFTWATCH_DATASOURCE_UID }],
          selection: { all: false, values: [DRIFTWATCH_DATASOURCE_UID], texts: ['Driftwatch'] },
        });
      continue;
    }
    const next: Array<Map<string, ResolvedVariable>> = [];
    for (const combination of combinations) {
      // What metricFindQuery posts: the interpolated target and the dashboard's range.
      const range = rangeOf(dashboard, now);
      const reply = await post('/grafana/variable', {
        payload: { target: interpolate(variableQuery(variable).target ?? '', combination) },
        range: { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() },
      });
      const upstream = EMPTY_WHILE_ALL[variable.name];
      const mayBeEmpty = upstream !== undefined && combination.get(upstream)?.selection.all === true;
      const options = variableOptions(variable, reply, problems, mayBeEmpty);
      const startsOnAll =
        variable.includeAll && JSON.stringify(variable.current?.value ?? '').includes('$__all');
      if (startsOnAll) {
        next.push(
          new Map(combination).set(variable.name, {
            variable,
            options,
            selection: { all: true, values: [], texts: ['All'] },
          }),
        );
      }
      if (!startsOnAll || ALSO_EACH_OPTION.has(variable.name)) {
        for (const option of options) {
          next.push(
            new Map(combination).set(variable.name, {
              variable,
              options,
              selection: { all: false, values: [option.value], texts: [option.text] },
            }),
          );
        }
      }
    }
    combinations = next.slice(0, MAX_COMBINATIONS);
  }
  return combinations;
}

function variableOptions(
  variable: VariableModel,
  reply: QueryReply,
  problems: string[],
  mayBeEmpty: boolean,
): Array<{ text: string; value: string }> {
  const where = `variable $${variable.name}`;
  if (reply.status !== 200) {
    problems.push(`${where}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return [];
  }
  const rows = reply.body as Array<{ __text?: unknown; __value?: unknown }>;
  if (
    !Array.isArray(rows) ||
    rows.some((r) => typeof r.__text !== 'string' || typeof r.__value !== 'string')
  ) {
    problems.push(`${where}: expected [{__text, __value}], got ${JSON.stringify(reply.body).slice(0, 300)}`);
    return [];
  }
  if (rows.length === 0 && !mayBeEmpty) problems.push(`${where}: no options on the demo data`);
  return rows.map((r) => ({ text: r.__text as string, value: r.__value as string }));
}

async function runDashboard(name: DashboardName): Promise<DashboardRun> {
  const dashboard = loadDashboard(name);
  const now = Date.now();
  const variableProblems: string[] = [];
  const annotationProblems: string[] = [];
  const combinations = await resolveVariables(dashboard, now, variableProblems);
  const panels: PanelRun[] = [];
  for (const variables of combinations) {
    const described = [...variables.values()]
      .filter((v) => v.variable.type !== 'datasource')
      .map((v) => `${v.variable.name}=${v.selection.all ? 'All' : v.selection.texts.join('+')}`)
      .join(', ');
    for (const panel of panelsOf(dashboard)) {
      // A repeated panel is one panel per value of its variable, interpolated with that value as a scoped variable.
      const repeats: Array<Record<string, string>> = panel.repeat
        ? selectedValues(variables.get(panel.repeat) as ResolvedVariable).map((v) => ({
            [panel.repeat as string]: v,
          }))
        : [{}];
      for (const scoped of repeats) {
        const title = interpolate(panel.title ?? '', variables, scoped).replace(/\\/g, '');
        panels.push({
          panel,
          label: `"${title}" (${described})`,
          replies: await runQueries(dashboard, panel, queriesOf(panel), variables, scoped, now),
        });
      }
    }
    for (const annotation of dashboard.annotations.list ?? []) {
      if (!annotation.target) continue;
      const [{ reply }] = await runQueries(
        dashboard,
        {},
        [annotation.target as unknown as StoredQuery],
        variables,
        {},
        now,
      );
      const frame = (reply.body as Array<{ fields?: Array<{ name: string }> }> | null)?.[0];
      const fields = frame?.fields?.map((f) => f.name) ?? [];
      if (reply.status !== 200 || !['time', 'title', 'text'].every((f) => fields.includes(f))) {
        annotationProblems.push(
          `annotation "${annotation.name}": ${reply.status}, fields ${fields.join(', ')}`,
        );
      }
    }
  }
  const requests: ConversionRequest[] = panels
    .map((run, i) => ({ run, i }))
    .filter(({ run }) => run.replies.every((r) => r.reply.status === 200))
    .map(({ run, i }) => ({
      id: String(i),
      results: run.replies.flatMap((r) => r.reply.body as unknown[]),
      transformations: run.panel.transformations,
      reduceOptions:
        run.panel.type === 'stat'
          ? (run.panel.options as { reduceOptions: unknown }).reduceOptions
          : undefined,
    }));
  const { converted, heatmapRows } = await convertWithGrafana(requests);
  heatmapRowsType = heatmapRows;
  for (const c of converted) panels[Number(c.id)].conversion = c;
  return { dashboard, combinations, panels, variableProblems, annotationProblems };
}

// ------------------------------------------------------------------ what each panel type needs

const numbers = (values: unknown[]) =>
  values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
const ascending = (values: unknown[]) => numbers(values).every((v, i, all) => i === 0 || all[i - 1] <= v);
const fieldNames = (frames: PlainFrame[]) =>
  new Set(frames.flatMap((f) => f.fields.flatMap((x) => [x.name, x.displayName])));

interface Override {
  matcher: { id: string; options?: unknown };
  properties: Array<{ id: string; value?: unknown }>;
}
const overridesOf = (panel: Panel) => (panel.fieldConfig?.overrides ?? []) as Override[];

/** Field names a reduceOptions.fields expression such as `/^(a|b)$/` names. */
function namedFields(expression: string): string[] {
  const match = /^\/\^\(?(.*?)\)?\$\/$/.exec(expression);
  return match ? match[1].split('|').map((n) => n.replace(/\\(.)/g, '$1')) : [];
}

/** Shape problems of one run (empty: the answer fits the panel) and whether it showed any data. */
function check(run: PanelRun): { problems: string[]; hasData: boolean } {
  const problems: string[] = [];
  const say = (message: string) => problems.push(`${run.label}: ${message}`);
  const failed = run.replies.filter((r) => r.reply.status !== 200);
  for (const { request, reply } of failed)
    say(
      `POST /grafana/query ${JSON.stringify(request.targets)} answered ${reply.status}: ${JSON.stringify(reply.body).slice(0, 500)}`,
    );
  if (failed.length) return { problems, hasData: false };
  const conversion = run.conversion as Conversion;
  if (conversion.error) {
    say(`@grafana/data fails on the answer: ${conversion.error}`);
    return { problems, hasData: false };
  }
  const frames = conversion.transformed;
  const panel = run.panel;
  let hasData = false;

  switch (panel.type) {
    case 'stat': {
      const expression = (panel.options as { reduceOptions: { fields: string } }).reduceOptions.fields;
      const present = fieldNames(conversion.frames);
      for (const name of namedFields(expression))
        if (!present.has(name))
          say(`stat field "${name}" is not in the answer (fields: ${[...present].join(', ')})`);
      const shown = conversion.stat ?? [];
      if (shown.length === 0) say(`getFieldDisplayValues finds no field for ${expression}`);
      hasData = shown.some((s) => s.numeric !== null || (s.text !== '' && s.text !== 'No data'));
      break;
    }
    case 'table': {
      if (frames.length !== 1)
        say(`a table panel needs one frame after its transformations, got ${frames.length}`);
      const rawNames = fieldNames(conversion.frames);
      for (const t of panel.transformations ?? []) {
        const options = t.options as {
          byField?: string;
          indexByName?: Record<string, number>;
          excludeByName?: Record<string, boolean>;
        };
        if (
          t.id === 'joinByField' &&
          !conversion.frames.every((f) => f.fields.some((x) => x.name === options.byField))
        )
          say(`join field "${options.byField}" missing from a frame`);
        for (const name of [
          ...Object.keys(options.indexByName ?? {}),
          ...Object.keys(options.excludeByName ?? {}),
        ]) {
          if (!rawNames.has(name)) say(`organize names "${name}", which no frame has`);
        }
      }
      const frame = frames[0];
      const names = fieldNames(frames);
      const displayNames = new Set(frame?.fields.map((f) => f.displayName) ?? []);
      for (const o of overridesOf(panel)) {
        if (o.matcher.id !== 'byName') continue;
        const field = String(o.matcher.options);
        if (!names.has(field))
          say(
            `override for column "${field}", which the answer does not have (columns: ${[...names].join(', ')})`,
          );
        const renamed = o.properties.find((p) => p.id === 'displayName');
        if (renamed && names.has(field)) displayNames.add(String(renamed.value));
        for (const link of o.properties
          .filter((p) => p.id === 'links')
          .flatMap((p) => p.value as Array<{ url: string }>)) {
          for (const [, referenced] of link.url.matchAll(/\$\{__data\.fields\.(\w+)(?::\w+)?\}/g))
            if (!names.has(referenced))
              say(`link uses field "${referenced}", which the answer does not have`);
        }
      }
      for (const sort of (panel.options as { sortBy?: Array<{ displayName: string }> }).sortBy ?? []) {
        if (!displayNames.has(sort.displayName)) say(`sorts by "${sort.displayName}", which is not a column`);
      }
      hasData = (frame?.length ?? 0) > 0;
      break;
    }
    case 'timeseries': {
      for (const frame of frames) {
        const time = frame.fields.find((f) => f.type === 'time');
        const values = frame.fields.filter((f) => f.type === 'number');
        if (!time) say(`frame "${frame.name}" has no time field`);
        else if (!ascending(time.values)) say(`frame "${frame.name}": times not ascending`);
        if (values.length === 0) say(`frame "${frame.name}" has no number field`);
        if (values.some((f) => numbers(f.values).length > 0)) hasData = true;
      }
      break;
    }
    case 'heatmap': {
      const layout = (panel.options as { rowsFrame?: { layout?: string } }).rowsFrame?.layout;
      if (frames.length !== 1) say(`a heat map of buckets needs one frame, got ${frames.length}`);
      for (const frame of frames) {
        if (frame.meta?.type !== heatmapRowsType)
          say(`frame type is ${frame.meta?.type}, not ${heatmapRowsType}: the heat map would re-bucket it`);
        const [x, ...rows] = frame.fields;
        if (x?.type !== 'time') say('the first field of heatmap-rows must be the time');
        else if (!ascending(x.values)) say('times not ascending');
        if (rows.length === 0 || rows.some((f) => f.type !== 'number'))
          say('every row after the time must be numeric');
        if (frame.fields.some((f) => f.values.length !== frame.length)) say('fields of unequal length');
        if (layout === 'le') {
          const bounds = rows.map((f) => (f.name === '+Inf' ? Infinity : Number(f.name)));
          if (bounds.some(Number.isNaN) || !bounds.every((b, i) => i === 0 || bounds[i - 1] < b))
            say(`"le" rows must be ascending upper bounds, got ${rows.map((f) => f.name).join(', ')}`);
        }
        if (rows.some((f) => numbers(f.values).some((v) => v > 0))) hasData = true;
      }
      break;
    }
    case 'histogram': {
      if (frames.length !== 1)
        say(`the histogram panel reads xMin/xMax buckets only from a single frame, got ${frames.length}`);
      const histogram = conversion.histograms[0];
      if (!histogram) {
        say('getHistogramFields finds no pre-bucketed histogram (xMin, xMax, counts)');
        break;
      }
      const series = histogram.counts.map((c) => c.name).sort();
      if (series.join() !== 'actual,expected')
        say(`histogram series are ${series.join(', ')}, expected "actual" and "expected"`);
      if (histogram.xMin.some((lo, i) => !(lo < histogram.xMax[i]) || (i > 0 && histogram.xMax[i - 1] > lo)))
        say('buckets overlap or are not ascending');
      const expected = numbers(histogram.counts.find((c) => c.name === 'expected')?.values ?? []);
      const total = expected.reduce((a, b) => a + b, 0);
      if (expected.length && Math.abs(total - 1) > 1e-9) say(`expected shares sum to ${total}, not 1`);
      hasData = histogram.counts.some((c) => numbers(c.values).some((v) => v > 0));
      break;
    }
    case 'trend': {
      const xField = (panel.options as { xField?: string }).xField as string;
      for (const frame of frames) {
        const x = frame.fields.find((f) => f.name === xField);
        if (!x || x.type !== 'number')
          say(`frame "${frame.name}" has no numeric "${xField}" field for the trend's x axis`);
        else if (!ascending(x.values))
          say(`frame "${frame.name}": "${xField}" not ascending (the trend panel needs it sorted)`);
        if (frame.fields.filter((f) => f !== x && f.type === 'number').length === 0)
          say(`frame "${frame.name}" has no value field`);
      }
      hasData = frames.some((f) => f.length > 0);
      break;
    }
    case FEATURE_DRIFT_PANEL_ID: {
      // The panel merges every frame with a feature_name field by feature, and draws histogram frames named after features.
      const tables = frames.filter((f) => f.fields.some((x) => x.name === 'feature_name'));
      const histograms = frames
        .map((f, i) => ({ f, h: conversion.histograms[i] }))
        .filter(({ h }) => h !== null);
      const others = frames.filter((f) => !tables.includes(f) && !histograms.some(({ f: hf }) => hf === f));
      if (others.length)
        say(`frames the panel cannot read: ${others.map((f) => f.name ?? f.refId).join(', ')}`);
      const columns = new Set(tables.flatMap((t) => t.fields.map((f) => f.name)));
      for (const c of ['tvd', 'hellinger', 'kld', 'drift_status', 'actual_mean', 'expected_mean'])
        if (!columns.has(c)) say(`no feature table has column ${c}`);
      // Asked for several segments, there is one table per segment, its rows with a `segment`
      // column, and histograms carry a `segment` label.
      const featureNames = tables
        .filter((t) => t.fields.some((f) => f.name === 'column'))
        .flatMap((measures) => {
          const values = (name: string) => measures.fields.find((f) => f.name === name)?.values ?? [];
          const [names, groups, segments] = [values('feature_name'), values('column'), values('segment')];
          return names
            .map((name, i) =>
              segments[i] === undefined ? String(name) : `${String(name)} ${String(segments[i])}`,
            )
            .filter((_, i) => groups[i] === 'feature');
        })
        .sort();
      const histogramNames = histograms
        .map(({ f }) => {
          const feature = String(f.meta?.custom?.feature ?? f.name);
          const segment = f.fields.find((x) => x.labels?.segment)?.labels?.segment;
          return segment === undefined ? feature : `${feature} ${segment}`;
        })
        .sort();
      if (featureNames.join() !== histogramNames.join())
        say(
          `histograms (${histogramNames.join(', ')}) do not match the features (${featureNames.join(', ')})`,
        );
      hasData = featureNames.length > 0;
      break;
    }
    default:
      say(`no contract for panel type ${panel.type}`);
  }
  return { problems, hasData };
}

// ------------------------------------------------------------------ the tests

const PANELS_BY_DASHBOARD = DASHBOARD_NAMES.map((name) => {
  const titles = panelsOf(loadDashboard(name)).map((p) => `${p.type}: ${p.title}`);
  return { name, titles };
});

beforeAll(async () => {
  seeded = await startSeededProxy();
  for (const { name } of PANELS_BY_DASHBOARD) runs.set(name, await runDashboard(name));
}, 180_000);

afterAll(async () => {
  await seeded?.close();
});

describe.each(PANELS_BY_DASHBOARD)('dashboard $name against a seeded proxy', ({ name, titles }) => {
  const run = () => runs.get(name) as DashboardRun;

  it('resolves every template variable through the proxy', () => {
    expect(run().variableProblems).toEqual([]);
    expect(run().combinations.length).toBeGreaterThan(0);
  });

  it('answers every annotation query with time, title and text fields', () => {
    expect(run().annotationProblems).toEqual([]);
  });

  it.each(titles)('%s: every query answers a frame its panel type can show, with data', (title) => {
    const panelRuns = run().panels.filter((r) => `${r.panel.type}: ${r.panel.title}` === title);
    expect(panelRuns.length).toBeGreaterThan(0);
    const results = panelRuns.map(check);
    expect(results.flatMap((r) => r.problems)).toEqual([]);
    const panelTitle = panelRuns[0].panel.title as string;
    if (!(panelTitle in MAY_BE_EMPTY)) {
      // Some combinations may legitimately be empty (no labels for one endpoint); the panel must show data in one.
      expect({ title, showsData: results.some((r) => r.hasData) }).toEqual({ title, showsData: true });
    }
  });
});
