/**
 * The harness server: the page, its bundle, and `/api/datasources/proxy/uid/<uid>/...` forwarded
 * as Grafana's data proxy does it (tests/helpers/dataProxy.ts, with the routes of the built
 * plugin.json). The API key lives here, on the server side, as it does in Grafana. With a
 * PackagedPage, also /packaged and the unpacked release zip under /public/plugins/<id>/.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { PROXY_PREFIX, forward, loadRoutes, type DataSourceInstance } from '../helpers/dataProxy';

export interface HarnessServer {
  url: string;
  close(): Promise<void>;
}

const page = (script: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Driftwatch plugin harness</title></head>
<body><div id="root"></div><script src="${script}"></script></body></html>`;

/** The packaged-plugin page (/packaged): its bundle, its config, and the unpacked plugin folder. */
export interface PackagedPage {
  bundleFile: string;
  config: Record<string, unknown>;
  pluginId: string;
  /** The unpacked zip's top folder, served at /public/plugins/<pluginId>/ as Grafana serves it. */
  dir: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export async function startHarnessServer(
  bundleFile: string,
  ds: DataSourceInstance,
  config: Record<string, unknown>,
  packaged?: PackagedPage,
): Promise<HarnessServer> {
  const routes = loadRoutes();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (url.pathname.startsWith(`${PROXY_PREFIX}${ds.uid}/`)) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (typeof v === 'string' && ['content-type', 'accept'].includes(k)) headers[k] = v;
        const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined;
        const proxyPath = url.pathname.slice(`${PROXY_PREFIX}${ds.uid}/`.length) + url.search;
        void forward(routes, ds, req.method ?? 'GET', proxyPath, body, headers).then((answer) => {
          res.writeHead(answer.status, {
            'content-type': answer.headers['content-type'] ?? 'text/plain; charset=utf-8',
          });
          res.end(answer.body);
        });
        return;
      }
      const pluginPrefix = packaged ? `/public/plugins/${packaged.pluginId}/` : undefined;
      if (packaged && pluginPrefix && url.pathname.startsWith(pluginPrefix)) {
        const file = path.join(packaged.dir, path.normalize(url.pathname.slice(pluginPrefix.length)));
        const inside = file.startsWith(packaged.dir + path.sep) && fs.existsSync(file);
        res.writeHead(inside ? 200 : 404, { 'content-type': TYPES[path.extname(file)] ?? 'text/plain' });
        res.end(inside ? fs.readFileSync(file) : undefined);
      } else if (packaged && url.pathname === '/packaged') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page('/packaged.js'));
      } else if (packaged && url.pathname === '/packaged.js') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        res.end(fs.readFileSync(packaged.bundleFile));
      } else if (packaged && url.pathname === '/packaged-config.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(packaged.config));
      } else if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page('/harness.js'));
      } else if (url.pathname === '/harness.js') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        res.end(fs.readFileSync(bundleFile));
      } else if (url.pathname === '/config.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(config));
      } else if (url.pathname.startsWith('/public/img/')) {
        // Grafana serves @grafana/ui's icons; an empty SVG keeps the page quiet here.
        res.writeHead(200, { 'content-type': 'image/svg+xml' });
        res.end('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"></svg>');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
