/**
 * The browser harness: a page shaped like a Grafana panel editor, with Grafana's theme (light or
 * dark, `?theme=`), the plugin's real QueryEditor and FeatureDriftPanel, and the real data source
 * whose requests go to the harness server's emulation of Grafana's data proxy (which holds the API
 * key; the page never sees it). The edited query (A) is joined by the two companion queries a
 * Details dashboard panel has (B: individual_feature_analysis for min/mean/max, C:
 * feature_histogram), all on the endpoint picked in A.
 */
import {
  CoreApp,
  LoadingState,
  createTheme,
  dateTime,
  type DataQueryRequest,
  type PanelData,
  type TimeRange,
} from '@grafana/data';
import { locationService, setBackendSrv, setTemplateSrv } from '@grafana/runtime';
import { ThemeContext } from '@grafana/ui';
import { useCallback, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryEditor } from '../../../src/datasource/components/QueryEditor';
import { DriftwatchDataSource } from '../../../src/datasource/datasource';
import type { DriftwatchQuery } from '../../../src/datasource/types';
import { FeatureDriftPanel } from '../../../src/panels/featureDrift/FeatureDriftPanel';
import { DEFAULT_OPTIONS } from '../../../src/panels/featureDrift/types';
import { BackendSrvShim, type Transport } from '../../helpers/backendSrvShim';
import { TestTemplateSrv } from '../../helpers/templateSrv';
import { PLUGIN_META } from './meta';

interface HarnessConfig {
  uid: string;
  proxyUrl: string;
  project: string;
}

declare global {
  interface Window {
    __harness?: { lastRange?: { from: string; to: string }; runs: number; query?: DriftwatchQuery };
  }
}

/** Same-origin fetch to the harness server, which forwards as Grafana's data proxy does. */
const browserTransport: Transport = async (method, url, body, headers) => {
  const res = await fetch(url, { method, body, headers });
  const kept: Record<string, string> = {};
  res.headers.forEach((v, k) => (kept[k] = v));
  return { status: res.status, statusText: res.statusText, headers: kept, body: await res.text() };
};

function Harness({ config, mode }: { config: HarnessConfig; mode: 'light' | 'dark' }) {
  const theme = createTheme({ colors: { mode } });
  const [templateSrv] = useState(() => new TestTemplateSrv([{ name: 'project', value: config.project }]));
  const [ds] = useState(() => {
    setBackendSrv(new BackendSrvShim(browserTransport));
    setTemplateSrv(templateSrv);
    return new DriftwatchDataSource(
      {
        id: 1,
        uid: config.uid,
        type: 'driftwatch-proxy-datasource',
        name: 'Driftwatch',
        meta: PLUGIN_META,
        readOnly: false,
        access: 'proxy',
        url: `/api/datasources/proxy/uid/${config.uid}`,
        jsonData: { url: config.proxyUrl },
      },
      templateSrv,
    );
  });
  const [query, setQuery] = useState<DriftwatchQuery>({
    refId: 'A',
    editorMode: 'builder',
    queryType: 'feature_drift',
    payload: { project: config.project },
  });
  const latest = useRef(query);
  const [data, setData] = useState<PanelData>({
    state: LoadingState.NotStarted,
    series: [],
    timeRange: lastHour(),
  });
  const [search, setSearch] = useState(() => locationService.getSearchObject());

  useEffect(
    () => locationService.getHistory().listen(() => setSearch(locationService.getSearchObject())),
    [],
  );

  const run = useCallback(
    async (q: DriftwatchQuery) => {
      const range = lastHour();
      window.__harness = {
        ...(window.__harness ?? { runs: 0 }),
        lastRange: { from: range.from.toISOString(), to: range.to.toISOString() },
        query: q,
      };
      const companions: DriftwatchQuery[] =
        q.payload?.endpoint_id !== undefined
          ? [
              { ...q, refId: 'B', queryType: 'individual_feature_analysis' },
              { ...q, refId: 'C', queryType: 'feature_histogram' },
            ]
          : [];
      const request: DataQueryRequest<DriftwatchQuery> = {
        requestId: `harness-${Date.now()}`,
        interval: '1m',
        intervalMs: 60_000,
        maxDataPoints: 500,
        range,
        scopedVars: {},
        targets: [q, ...companions],
        timezone: 'utc',
        app: CoreApp.Dashboard,
        startTime: Date.now(),
      };
      setData((d) => ({ ...d, state: LoadingState.Loading }));
      const response = await ds.query(request);
      setData({
        state: response.errors ? LoadingState.Error : LoadingState.Done,
        series: response.data,
        errors: response.errors,
        timeRange: range,
      });
      window.__harness = { ...(window.__harness ?? { runs: 0 }), runs: (window.__harness?.runs ?? 0) + 1 };
    },
    [ds],
  );

  // The first run; later runs follow the editor's onRunQuery.
  useEffect(() => {
    void run(latest.current);
  }, [run]);

  const feature = typeof search['var-feature'] === 'string' ? search['var-feature'] : undefined;
  const replaceVariables = (text: string) =>
    feature === undefined ? text : text.replace(/\$feature\b|\$\{feature\}/g, feature);
  const box = {
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1.5),
    marginBottom: theme.spacing(2),
  };
  return (
    <ThemeContext.Provider value={theme}>
      <div
        style={{
          background: theme.colors.background.canvas,
          color: theme.colors.text.primary,
          fontFamily: theme.typography.fontFamily,
          fontSize: theme.typography.fontSize,
          minHeight: '100vh',
          padding: 16,
          boxSizing: 'border-box',
        }}
      >
        <section style={box} data-testid="editor-box">
          <div style={{ fontWeight: 500, marginBottom: 8 }}>Query A · Driftwatch</div>
          <QueryEditor
            datasource={ds}
            query={query}
            onChange={(q) => {
              latest.current = q;
              setQuery(q);
              window.__harness = { ...(window.__harness ?? { runs: 0 }), query: q };
            }}
            onRunQuery={() => void run(latest.current)}
            data={data}
            app={CoreApp.PanelEditor}
          />
        </section>
        <section style={box} data-testid="panel-box">
          <div style={{ fontWeight: 500, marginBottom: 4 }}>
            Feature drift{feature ? ` · $feature = ${feature}` : ''}
          </div>
          <FeatureDriftPanel
            id={1}
            data={data}
            timeRange={data.timeRange}
            timeZone="utc"
            options={DEFAULT_OPTIONS}
            transparent={false}
            width={1620}
            height={330}
            fieldConfig={{ defaults: {}, overrides: [] }}
            renderCounter={0}
            title="Feature drift"
            eventBus={undefined as never}
            onOptionsChange={() => undefined}
            onFieldConfigChange={() => undefined}
            replaceVariables={replaceVariables}
            onChangeTimeRange={() => undefined}
          />
        </section>
      </div>
    </ThemeContext.Provider>
  );
}

function lastHour(): TimeRange {
  const to = dateTime();
  const from = dateTime(to.valueOf() - 3_600_000);
  return { from, to, raw: { from: 'now-1h', to: 'now' } };
}

async function main() {
  const config = (await (await fetch('/config.json')).json()) as HarnessConfig;
  const mode = new URLSearchParams(window.location.search).get('theme') === 'light' ? 'light' : 'dark';
  document.body.style.margin = '0';
  document.body.style.background = createTheme({ colors: { mode } }).colors.background.canvas;
  createRoot(document.getElementById('root') as HTMLElement).render(<Harness config={config} mode={mode} />);
}

void main();
