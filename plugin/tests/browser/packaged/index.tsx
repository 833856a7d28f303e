/**
 * The packaged-plugin page: loads the module.js files unpacked from the release zip as Grafana
 * does, through an AMD `define` that hands each module Grafana's shared libraries (this bundle's
 * copies of @grafana/data, @grafana/runtime, @grafana/ui, React, rxjs, Emotion) and `module`
 * (the file's URI). Then it runs a feature_drift query through the packaged data source (requests
 * go to the harness server's data-proxy emulation) and renders the packaged panel with the result.
 * Results are left on window.__packaged for the test to read.
 */
import * as emotionCss from '@emotion/css';
import * as grafanaData from '@grafana/data';
import {
  AppPlugin,
  CoreApp,
  DataSourcePlugin,
  LoadingState,
  PanelOptionsEditorBuilder,
  PanelPlugin,
  createTheme,
  dateTime,
  standardEditorsRegistry,
  type DataQueryRequest,
  type DataSourceInstanceSettings,
  type PanelProps,
} from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import * as react from 'react';
import type { ComponentType } from 'react';
import * as reactDom from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as rxjs from 'rxjs';
import { BackendSrvShim, type Transport } from '../../helpers/backendSrvShim';
import { TestTemplateSrv } from '../../helpers/templateSrv';

interface PackagedConfig {
  pluginId: string;
  uid: string;
  project: string;
  endpointId: string;
}

declare global {
  interface Window {
    define?: ((deps: string[], factory: (...args: unknown[]) => unknown) => void) & { amd: object };
    __packaged?: { loaded?: Record<string, string>; rendered?: boolean; error?: string };
  }
}

const SHARED: Record<string, unknown> = {
  '@emotion/css': emotionCss,
  '@grafana/data': grafanaData,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/ui': grafanaUi,
  react,
  'react-dom': reactDom,
  'react/jsx-runtime': jsxRuntime,
  rxjs,
};

/** Loads one AMD module file: its anonymous define() call runs while the script executes. */
function loadModule(url: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const define = (deps: string[], factory: (...args: unknown[]) => unknown) => {
      const missing = deps.filter((d) => d !== 'module' && !(d in SHARED));
      if (missing.length > 0) return reject(new Error(`${url} needs ${missing.join(', ')}`));
      const args = deps.map((d) => (d === 'module' ? { uri: url, id: url } : SHARED[d]));
      resolve(factory(...args) as Record<string, unknown>);
    };
    window.define = Object.assign(define, { amd: {} });
    const script = document.createElement('script');
    script.src = url;
    script.onerror = () => reject(new Error(`${url} did not load`));
    document.head.appendChild(script);
  });
}

const transport: Transport = async (method, url, body, headers) => {
  const res = await fetch(url, { method, body, headers });
  const kept: Record<string, string> = {};
  res.headers.forEach((v, k) => (kept[k] = v));
  return { status: res.status, statusText: res.statusText, headers: kept, body: await res.text() };
};

async function main() {
  const config = (await (await fetch('/packaged-config.json')).json()) as PackagedConfig;
  const base = `/public/plugins/${config.pluginId}`;
  const files = {
    app: 'module.js',
    datasource: 'datasource/module.js',
    panel: 'panels/featureDrift/module.js',
  };
  const modules: Record<string, Record<string, unknown>> = {};
  for (const [part, file] of Object.entries(files)) modules[part] = await loadModule(`${base}/${file}`);
  const kinds = (Object.keys(files) as Array<keyof typeof files>).map((part) => {
    const p = modules[part].plugin;
    const kind =
      p instanceof AppPlugin
        ? 'AppPlugin'
        : p instanceof DataSourcePlugin
          ? 'DataSourcePlugin'
          : p instanceof PanelPlugin
            ? 'PanelPlugin'
            : typeof p;
    return [part, kind] as const;
  });
  window.__packaged = { loaded: Object.fromEntries(kinds) };

  grafanaRuntime.setBackendSrv(new BackendSrvShim(transport));
  grafanaRuntime.setTemplateSrv(new TestTemplateSrv([{ name: 'project', value: config.project }]));
  const dsPlugin = modules.datasource.plugin as DataSourcePlugin<grafanaData.DataSourceApi>;
  const DataSourceClass = dsPlugin.DataSourceClass as unknown as new (s: DataSourceInstanceSettings) => {
    query(r: DataQueryRequest): Promise<{ data: grafanaData.DataFrame[] }>;
  };
  const ds = new DataSourceClass({
    id: 1,
    uid: config.uid,
    type: 'driftwatch-proxy-datasource',
    name: 'Driftwatch',
    meta: dsPlugin.meta ?? ({} as grafanaData.DataSourcePluginMeta),
    readOnly: false,
    access: 'proxy',
    url: `/api/datasources/proxy/uid/${config.uid}`,
    jsonData: {},
  } as DataSourceInstanceSettings);
  const to = dateTime();
  const range = { from: dateTime(to.valueOf() - 3_600_000), to, raw: { from: 'now-1h', to: 'now' } };
  const payload = { project: config.project, endpoint_id: config.endpointId };
  const response = await ds.query({
    requestId: 'packaged',
    interval: '1m',
    intervalMs: 60_000,
    maxDataPoints: 500,
    range,
    scopedVars: {},
    targets: ['feature_drift', 'individual_feature_analysis', 'feature_histogram'].map((queryType, i) => ({
      refId: 'ABC'[i],
      queryType,
      editorMode: 'builder',
      payload,
    })),
    timezone: 'utc',
    app: CoreApp.Dashboard,
    startTime: Date.now(),
  } as DataQueryRequest);

  const panelPlugin = modules.panel.plugin as PanelPlugin;
  const Panel = panelPlugin.panel as ComponentType<PanelProps>;
  // The options' defaults, read from the packaged plugin's option builder as Grafana reads them
  // (Grafana registers its standard option editors at start-up; here, placeholders of the same ids).
  standardEditorsRegistry.setInit(() =>
    ['text', 'select', 'radio', 'boolean', 'number'].map((id) => ({ id, name: id, editor: () => null })),
  );
  const builder = new PanelOptionsEditorBuilder<Record<string, unknown>>();
  panelPlugin.getPanelOptionsSupplier()(builder, { data: response.data });
  const defaults = Object.fromEntries(builder.getItems().map((item) => [item.path, item.defaultValue]));
  const theme = createTheme({ colors: { mode: 'dark' } });
  createRoot(document.getElementById('root') as HTMLElement).render(
    <grafanaUi.ThemeContext.Provider value={theme}>
      <div data-testid="packaged-panel" style={{ background: theme.colors.background.primary, padding: 8 }}>
        <Panel
          id={1}
          data={{ state: LoadingState.Done, series: response.data, timeRange: range }}
          timeRange={range}
          timeZone="utc"
          options={defaults}
          transparent={false}
          width={1600}
          height={330}
          fieldConfig={{ defaults: {}, overrides: [] }}
          renderCounter={0}
          title="Feature drift (packaged)"
          eventBus={undefined as never}
          onOptionsChange={() => undefined}
          onFieldConfigChange={() => undefined}
          replaceVariables={(s) => s}
          onChangeTimeRange={() => undefined}
        />
      </div>
    </grafanaUi.ThemeContext.Provider>,
  );
  window.__packaged = { ...window.__packaged, rendered: true };
}

main().catch((err: unknown) => {
  window.__packaged = { ...window.__packaged, error: err instanceof Error ? err.message : String(err) };
});
