import {
  DataSourceApi,
  toDataFrame,
  type AdHocVariableFilter,
  type AnnotationQuery,
  type CoreApp,
  type DataFrame,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
  type TimeRange,
} from '@grafana/data';
import { getBackendSrv, getTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { classifyError } from './errors';
import {
  hasTarget,
  interpolateQuery,
  interpolateVariableQuery,
  toVariableQuery,
  toWireTarget,
  variableTarget,
  type WireTarget,
} from './targets';
import {
  DEFAULT_QUERY,
  type DriftwatchOptions,
  type DriftwatchQuery,
  type DriftwatchVariableQuery,
  type MetricConfig,
} from './types';

/** The proxy's `/query` answers: SimpleJSON series and tables, and data frames; toDataFrame reads all three. */
type QueryAnswer = Array<Parameters<typeof toDataFrame>[0]>;

/** The route in plugin.json that Grafana's data proxy sends to `<jsonData.url>/grafana` with the key. */
const ROUTE = 'grafana';

/**
 * The Driftwatch data source. Every request goes to Grafana's data proxy
 * (`<instance url>/grafana/...`, i.e. `/api/datasources/proxy/uid/<uid>/grafana/...`); the
 * `grafana` route of plugin.json forwards it to `<jsonData.url>/grafana/...` and adds
 * `Authorization: Bearer <secureJsonData.apiKey>` on Grafana's server, so the key never reaches
 * the browser.
 */
export class DriftwatchDataSource extends DataSourceApi<DriftwatchQuery, DriftwatchOptions> {
  readonly proxyUrl: string;
  readonly configuredUrl?: string;
  readonly defaultProject?: string;

  constructor(
    instanceSettings: DataSourceInstanceSettings<DriftwatchOptions>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv(),
  ) {
    super(instanceSettings);
    this.proxyUrl = instanceSettings.url ?? '';
    this.configuredUrl = instanceSettings.jsonData.url;
    this.defaultProject = instanceSettings.jsonData.defaultProject || undefined;
    this.annotations = {
      // Saved annotations of the classic SimpleJSON data source carried `query: "project=...;kind=..."`.
      prepareAnnotation: (json: AnnotationQuery<DriftwatchQuery>): AnnotationQuery<DriftwatchQuery> => {
        if (json.target && hasTarget(json.target)) return json;
        const legacy = (json as AnnotationQuery<DriftwatchQuery> & { query?: unknown }).query;
        const target: DriftwatchQuery =
          typeof legacy === 'string' && legacy.trim() !== ''
            ? { refId: 'Anno', editorMode: 'raw', target: `target_endpoint=annotations;${legacy.trim()}` }
            : {
                refId: 'Anno',
                editorMode: 'builder',
                queryType: 'annotations',
                payload: { kind: ['drift_status', 'alert'] },
              };
        return { ...json, target };
      },
    };
  }

  /** Interpolation in the format the proxy undoes: regex (`(a|b)` for several values, escaped specials). */
  private interpolate = (text: string, scopedVars?: ScopedVars): string =>
    this.templateSrv.replace(text, scopedVars, 'regex');

  /** A JSON request to the proxy's Grafana API through the data proxy. */
  async request<T>(path: string, body?: unknown): Promise<T> {
    const response = await lastValueFrom(
      getBackendSrv().fetch<T>({
        url: `${this.proxyUrl}/${ROUTE}${path}`,
        method: body === undefined ? 'GET' : 'POST',
        data: body,
        headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
        showErrorAlert: false,
        showSuccessAlert: false,
      }),
    );
    return response.data;
  }

  override getDefaultQuery(_app: CoreApp): Partial<DriftwatchQuery> {
    return { ...DEFAULT_QUERY, payload: this.defaultProject ? { project: this.defaultProject } : {} };
  }

  override filterQuery(query: DriftwatchQuery): boolean {
    return !query.hide && hasTarget(query);
  }

  applyTemplateVariables(query: DriftwatchQuery, scopedVars: ScopedVars): DriftwatchQuery {
    return interpolateQuery(query, this.interpolate, scopedVars);
  }

  /** Explore, "Open in Explore" and dashboard links carry queries with the variables filled in. */
  override interpolateVariablesInQueries(
    queries: DriftwatchQuery[],
    scopedVars: ScopedVars,
    _filters?: AdHocVariableFilter[],
  ): DriftwatchQuery[] {
    return queries.map((q) => ({ ...this.applyTemplateVariables(q, scopedVars), datasource: this.getRef() }));
  }

  private rangeBody(range: TimeRange | undefined, raw?: { from: unknown; to: unknown }) {
    if (!range) return {};
    const rangeRaw =
      raw && typeof raw.from === 'string' && typeof raw.to === 'string'
        ? { rangeRaw: { from: raw.from, to: raw.to } }
        : {};
    return { range: { from: range.from.toISOString(), to: range.to.toISOString() }, ...rangeRaw };
  }

  /**
   * Each query is its own request, so one wrong query shows its own error (the proxy validates a
   * whole request before answering any of it) and the others still draw.
   */
  async query(request: DataQueryRequest<DriftwatchQuery>): Promise<DataQueryResponse> {
    const visible = request.targets.filter((t) => this.filterQuery(t));
    const adhocFilters = (request.filters ?? [])
      .filter((f) => f.operator === '=')
      .map((f) => ({ key: f.key, operator: '=', value: f.value }));
    const base = {
      ...this.rangeBody(request.range, request.range?.raw),
      intervalMs: request.intervalMs,
      maxDataPoints: request.maxDataPoints,
      ...(adhocFilters.length ? { adhocFilters } : {}),
    };
    const answers = await Promise.all(
      visible.map(async (query): Promise<{ frames: DataFrame[]; error?: DataQueryError }> => {
        const wire: WireTarget = toWireTarget(
          this.applyTemplateVariables(query, request.scopedVars),
          this.defaultProject,
        );
        try {
          const answer = await this.request<QueryAnswer>('/query', { ...base, targets: [wire] });
          return { frames: answer.map((item) => ({ ...toDataFrame(item), refId: query.refId })) };
        } catch (err) {
          const c = classifyError(err, this.configuredUrl);
          return { frames: [], error: { refId: query.refId, message: c.message, status: c.status } };
        }
      }),
    );
    const errors = answers.flatMap((a) => (a.error ? [a.error] : []));
    return { data: answers.flatMap((a) => a.frames), ...(errors.length ? { errors, error: errors[0] } : {}) };
  }

  /** Template variables: projects, endpoints, models, features, experiments, runs, metric names. */
  override async metricFindQuery(
    query: DriftwatchVariableQuery | string,
    options?: { range?: TimeRange; scopedVars?: ScopedVars },
  ): Promise<MetricFindValue[]> {
    const q = interpolateVariableQuery(toVariableQuery(query), this.interpolate, options?.scopedVars);
    const body = { payload: { target: variableTarget(q) }, ...this.rangeBody(options?.range) };
    try {
      const rows = await this.request<Array<{ __text: string; __value: string }>>('/variable', body);
      return rows.map((r) => ({ text: r.__text, value: r.__value }));
    } catch (err) {
      throw new Error(classifyError(err, this.configuredUrl).message);
    }
  }

  /** `$name` of every dashboard variable, offered in the editors' dropdowns. */
  getVariableNames(): string[] {
    try {
      return this.templateSrv.getVariables().map((v) => `$${v.name}`);
    } catch {
      return [];
    }
  }

  /** Every query target with its builder fields (simpod's `/metrics`). */
  async getCatalogue(): Promise<MetricConfig[]> {
    return this.request<MetricConfig[]>('/metrics', {});
  }

  /** Options of one builder field given the others (`/metric-payload-options`); variables stay as they are. */
  async getPayloadOptions(
    target: string,
    name: string,
    payload: Record<string, string | string[]>,
  ): Promise<Array<{ label: string; value: string }>> {
    // Fields holding a variable cannot narrow a list here: drop them rather than send `$project`.
    const known = Object.fromEntries(
      Object.entries(payload).filter(([, v]) => !(Array.isArray(v) ? v : [v]).some((x) => x.includes('$'))),
    );
    return this.request('/metric-payload-options', { metric: target, name, payload: known });
  }

  override async getTagKeys(): Promise<MetricFindValue[]> {
    const keys = await this.request<Array<{ type: string; text: string }>>('/tag-keys', {});
    return keys.map((k) => ({ text: k.text }));
  }

  override async getTagValues(options: { key: string }): Promise<MetricFindValue[]> {
    const values = await this.request<Array<{ text: string }>>('/tag-values', { key: options.key });
    return values.map((v) => ({ text: v.text }));
  }

  /**
   * "Save & test": reaches the proxy through the data proxy with the stored key, then checks that
   * the default project (if set) is visible to that key.
   */
  async testDatasource(): Promise<TestDataSourceResponse> {
    if (!this.configuredUrl) {
      return {
        status: 'error',
        message: 'Set the URL of the Driftwatch proxy (for example http://driftwatch:8080).',
      };
    }
    try {
      await this.request('/');
    } catch (err) {
      const c = classifyError(err, this.configuredUrl);
      return {
        status: 'error',
        message: c.message,
        details: { message: `kind: ${c.kind}${c.status !== undefined ? `, HTTP ${c.status}` : ''}` },
      };
    }
    let projects: string[];
    try {
      projects = (
        await this.request<Array<string | { text: string; value: string }>>('/search', {
          target: 'target_endpoint=projects',
        })
      ).map((p) => (typeof p === 'string' ? p : p.value));
    } catch (err) {
      return { status: 'error', message: classifyError(err, this.configuredUrl).message };
    }
    const listed = projects.length
      ? `: ${projects.slice(0, 10).join(', ')}${projects.length > 10 ? ', ...' : ''}`
      : '';
    if (this.defaultProject && !projects.includes(this.defaultProject)) {
      return {
        status: 'warning',
        message: `Connected to the Driftwatch proxy, but the default project "${this.defaultProject}" is not visible: it has no endpoints yet, or the API key is limited to other projects (visible${listed || ': none'}).`,
      };
    }
    return {
      status: 'success',
      message: `Connected to the Driftwatch proxy: ${projects.length} project${projects.length === 1 ? '' : 's'} visible${listed}.`,
    };
  }
}
