/**
 * What Grafana's server does with a data source request, for tests that cannot run Grafana:
 * `/api/datasources/proxy/uid/<uid>/<path>` is matched against the `routes` of the data source's
 * built plugin.json, the route URL and headers are rendered from jsonData / secureJsonData (Go
 * template syntax `{{ .JsonData.x }}`, `{{ .SecureJsonData.x }}`; a missing value renders as
 * `<no value>`, as Go's templates do), and the request is forwarded over real HTTP. Answers follow
 * Grafana's data proxy (pkg/api/pluginproxy/ds_proxy.go and pkg/util/proxyutil/reverse_proxy.go):
 * an upstream 401 becomes 400 "Authentication to data source failed", an unreachable upstream 502,
 * a timeout 504, and Set-Cookie is dropped. Only what this plugin uses is emulated.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Transport } from './backendSrvShim';

export interface Route {
  path: string;
  url: string;
  method?: string;
  headers?: Array<{ name: string; content: string }>;
}

export interface DataSourceInstance {
  uid: string;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

export interface ProxiedResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
}

export const PROXY_PREFIX = '/api/datasources/proxy/uid/';

/** The routes of the data source's plugin.json (built: dist/datasource/plugin.json; else the source). */
export function loadRoutes(pluginDir = path.resolve(__dirname, '../..')): Route[] {
  const built = path.join(pluginDir, 'dist/datasource/plugin.json');
  const file = fs.existsSync(built) ? built : path.join(pluginDir, 'src/datasource/plugin.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { routes?: Route[] };
  return json.routes ?? [];
}

/** Go text/template field access as plugin routes use it: `{{ .JsonData.url }}`, `{{ .SecureJsonData.apiKey }}`. */
function renderTemplate(text: string, ds: DataSourceInstance): string {
  return text.replace(
    /\{\{\s*\.(JsonData|SecureJsonData)\.([A-Za-z0-9_]+)\s*\}\}/g,
    (_m, scope: string, key: string) => {
      const source = scope === 'JsonData' ? ds.jsonData : ds.secureJsonData;
      const value = source[key];
      return value === undefined || value === null ? '<no value>' : String(value);
    },
  );
}

const joinUrl = (base: string, rest: string) =>
  rest === '' ? base : `${base.replace(/\/+$/, '')}/${rest.replace(/^\/+/, '')}`;

/** The upstream URL and headers for a proxied path (after `/api/datasources/proxy/uid/<uid>/`), or null when no route matches. */
function resolveRoute(
  routes: Route[],
  ds: DataSourceInstance,
  method: string,
  proxyPath: string,
): { url: string; headers: Record<string, string> } | null {
  const clean = proxyPath.replace(/^\/+/, '');
  const route = routes.find(
    (r) =>
      (!r.method || r.method === '*' || r.method === method) && clean.startsWith(r.path.replace(/^\/+/, '')),
  );
  if (!route) return null;
  const rest = clean.slice(route.path.replace(/^\/+/, '').length);
  const headers: Record<string, string> = {};
  for (const h of route.headers ?? []) headers[h.name.toLowerCase()] = renderTemplate(h.content, ds);
  return { url: joinUrl(renderTemplate(route.url, ds), rest), headers };
}

/** Sends one request as Grafana's server would, with Grafana's answers for auth failures and unreachable upstreams. */
export function forward(
  routes: Route[],
  ds: DataSourceInstance,
  method: string,
  proxyPath: string,
  body: string | undefined,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<ProxiedResponse> {
  const target = resolveRoute(routes, ds, method, proxyPath);
  if (!target) return Promise.resolve({ status: 502, statusText: 'Bad Gateway', headers: {}, body: '' });
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return Promise.resolve({ status: 502, statusText: 'Bad Gateway', headers: {}, body: '' });
  }
  const outgoing: Record<string, string> = { ...headers, ...target.headers };
  if (body !== undefined) outgoing['content-length'] = String(Buffer.byteLength(body));
  // Go's http client trims header values; "Bearer " with no key arrives as "Bearer".
  for (const [k, v] of Object.entries(outgoing)) outgoing[k] = v.trim();
  return new Promise((resolve) => {
    const req = http.request(url, { method, headers: outgoing, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 502;
        if (status === 401) {
          resolve({
            status: 400,
            statusText: 'Bad Request',
            headers: {},
            body: 'Authentication to data source failed',
          });
          return;
        }
        const kept: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (k !== 'set-cookie' && typeof v === 'string') kept[k] = v;
        resolve({ status, statusText: res.statusMessage ?? '', headers: kept, body: text });
      });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ status: 504, statusText: 'Gateway Timeout', headers: {}, body: '' });
    });
    req.on('error', () => resolve({ status: 502, statusText: 'Bad Gateway', headers: {}, body: '' }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The Node transport: the data-proxy emulation, in-process, for data sources known by uid. */
export function dataProxyTransport(
  instances: DataSourceInstance[],
  routes: Route[] = loadRoutes(),
): Transport {
  return (method, url, body, headers) => {
    if (!url.startsWith(PROXY_PREFIX))
      return Promise.resolve({
        status: 404,
        statusText: 'Not Found',
        headers: {},
        body: '{"message":"Not found"}',
      });
    const rest = url.slice(PROXY_PREFIX.length);
    const slash = rest.indexOf('/');
    const uid = slash < 0 ? rest : rest.slice(0, slash);
    const ds = instances.find((i) => i.uid === uid);
    if (!ds)
      return Promise.resolve({
        status: 404,
        statusText: 'Not Found',
        headers: {},
        body: '{"message":"Data source not found"}',
      });
    return forward(routes, ds, method, slash < 0 ? '' : rest.slice(slash + 1), body, headers);
  };
}
