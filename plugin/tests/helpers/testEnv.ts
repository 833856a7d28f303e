/** The running proxy of Jest's global setup, and data sources wired to it through the data-proxy emulation. */
import fs from 'node:fs';
import http from 'node:http';
import {
  CoreApp,
  dateTime,
  type DataQueryRequest,
  type DataSourceInstanceSettings,
  type DataSourcePluginMeta,
  type TimeRange,
} from '@grafana/data';
import { setBackendSrv } from '@grafana/runtime';
import { DriftwatchDataSource } from '../../src/datasource/datasource';
import type { DriftwatchOptions } from '../../src/datasource/types';
import { BackendSrvShim } from './backendSrvShim';
import { dataProxyTransport } from './dataProxy';
import type { DemoProxyInfo } from './demoProxy';
import { TestTemplateSrv } from './templateSrv';

export function proxyInfo(): DemoProxyInfo {
  const file = process.env.DRIFTWATCH_TEST_PROXY;
  if (!file || !fs.existsSync(file))
    throw new Error(
      'DRIFTWATCH_TEST_PROXY is not set: run the tests through jest (globalSetup starts the proxy)',
    );
  return JSON.parse(fs.readFileSync(file, 'utf8')) as DemoProxyInfo;
}

export const PLUGIN_META = {
  id: 'driftwatch-proxy-datasource',
  name: 'Driftwatch',
  type: 'datasource',
  module: 'public/plugins/driftwatch-monitoring-app/datasource/module.js',
  baseUrl: 'public/plugins/driftwatch-monitoring-app/datasource',
  info: {
    author: { name: 'Driftwatch' },
    description: '',
    links: [],
    logos: { small: '', large: '' },
    screenshots: [],
    updated: '',
    version: '',
    keywords: [],
  },
} as unknown as DataSourcePluginMeta<DriftwatchOptions>;

export function instanceSettings(
  uid: string,
  jsonData: DriftwatchOptions,
): DataSourceInstanceSettings<DriftwatchOptions> {
  return {
    id: 1,
    uid,
    type: 'driftwatch-proxy-datasource',
    name: `Driftwatch ${uid}`,
    meta: PLUGIN_META,
    readOnly: false,
    access: 'proxy',
    // What Grafana gives a data source with proxy access.
    url: `/api/datasources/proxy/uid/${uid}`,
    jsonData,
  };
}

export interface Wired {
  ds: DriftwatchDataSource;
  shim: BackendSrvShim;
  templateSrv: TestTemplateSrv;
}

/** A data source as Grafana would build it, with settings saved as `jsonData` and `secureJsonData`. */
export function wireDataSource(
  jsonData: DriftwatchOptions,
  secureJsonData: { apiKey?: string },
  uid = 'dw',
): Wired {
  const shim = new BackendSrvShim(
    dataProxyTransport([
      {
        uid,
        jsonData: { ...jsonData },
        secureJsonData: secureJsonData.apiKey === undefined ? {} : { apiKey: secureJsonData.apiKey },
      },
    ]),
  );
  setBackendSrv(shim);
  const templateSrv = new TestTemplateSrv();
  return { ds: new DriftwatchDataSource(instanceSettings(uid, jsonData), templateSrv), shim, templateSrv };
}

export function lastHour(): TimeRange {
  const to = dateTime();
  const from = dateTime(to.valueOf() - 3_600_000);
  return { from, to, raw: { from: 'now-1h', to: 'now' } };
}

/** A plain GET on the proxy's REST API, outside Grafana: the independent source of expected values. */
export function restGet<T>(url: string, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { authorization: `Bearer ${key}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) >= 300) reject(new Error(`${res.statusCode}: ${text}`));
        else resolve(JSON.parse(text) as T);
      });
    });
    req.on('error', reject);
  });
}

/** A free loopback port with nothing listening on it. */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = http.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export function queryRequest<Q extends { refId: string }>(
  targets: Q[],
  extra: Partial<DataQueryRequest<Q>> = {},
): DataQueryRequest<Q> {
  return {
    requestId: 'test',
    interval: '1m',
    intervalMs: 60_000,
    maxDataPoints: 500,
    range: lastHour(),
    scopedVars: {},
    targets,
    timezone: 'utc',
    app: CoreApp.Dashboard,
    startTime: Date.now(),
    ...extra,
  };
}
