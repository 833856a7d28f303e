/**
 * Is a built plugin folder valid for Grafana? Every plugin.json against the facts of Grafana's
 * plugin.json schema (pluginSchema.ts), then the rules of Grafana's plugin validator
 * (grafana/plugin-validator, pkg/analysis/passes) and loader that matter for this app: README,
 * CHANGELOG and an Apache-2.0 LICENSE in the package; logos and screenshots that exist, are
 * images of the type their name says and have relative paths (pluginAssets.ts); a module.js
 * beside every plugin.json; nested plugins declared in the app's `includes` by type and path (and
 * the other way round); `grafanaDependency` a range the target Grafana satisfies; dashboards that
 * exist and parse; data-proxy routes that keep the key in secureJsonData. Returns the problems
 * found (none: valid).
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkAssets, checkLicense } from './pluginAssets';
import { GRAFANA_DEPENDENCY_PATTERN, validate } from './pluginSchema';

type Json = Record<string, unknown>;

const RANGE = new RegExp(GRAFANA_DEPENDENCY_PATTERN);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every plugin.json under dir, relative paths, the root one first. */
export function findPluginJsons(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name === 'plugin.json') out.push(path.relative(dir, path.join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort((a, b) => a.split(path.sep).length - b.split(path.sep).length || a.localeCompare(b));
}

function parseVersion(v: string): number[] {
  return v.split('.').map((p) => (p === 'x' || p === '*' ? 0 : Number(p)));
}
const compare = (a: number[], b: number[]) => {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
};

/** Whether `version` (x.y.z) satisfies a grafanaDependency range of the schema's form. */
export function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  return range.split(/\s+/).every((part) => {
    const m = /^(<=|>=|=>|<|>|=|~|\^)?(.+)$/.exec(part);
    if (!m) return false;
    const op = m[1] ?? '=';
    const r = parseVersion(m[2]);
    const c = compare(v, r);
    switch (op) {
      case '>=':
      case '=>':
        return c >= 0;
      case '>':
        return c > 0;
      case '<=':
        return c <= 0;
      case '<':
        return c < 0;
      case '^':
        return c >= 0 && v[0] === r[0];
      case '~':
        return c >= 0 && v[0] === r[0] && v[1] === r[1];
      default:
        return m[2].includes('x') || m[2].includes('*')
          ? v[0] === r[0] && (m[2].split('.')[1] === 'x' || v[1] === r[1])
          : c === 0;
    }
  });
}

export interface CheckOptions {
  /** The Grafana version the plugin is built for (checked against grafanaDependency). */
  grafanaVersion: string;
}

export function checkPluginDir(dist: string, options: CheckOptions): string[] {
  const problems: string[] = [];
  const problem = (file: string, text: string) => problems.push(`${file}: ${text}`);
  if (!fs.existsSync(path.join(dist, 'plugin.json')))
    return [`${dist}: no plugin.json (build the plugin first: npm run build)`];

  const files = findPluginJsons(dist);
  const jsons = new Map<string, Json>();
  for (const file of files) {
    try {
      const json = JSON.parse(fs.readFileSync(path.join(dist, file), 'utf8')) as unknown;
      if (!isObject(json)) problem(file, 'is not a JSON object');
      else jsons.set(file, json);
    } catch (err) {
      problem(file, `is not JSON: ${(err as Error).message}`);
    }
  }
  for (const file of ['README.md', 'CHANGELOG.md'])
    if (!fs.existsSync(path.join(dist, file))) problem(file, 'missing in dist');
  problems.push(...checkLicense(dist));

  for (const [file, json] of jsons) {
    const folder = path.dirname(file);
    const text = JSON.stringify(json);
    for (const p of validate(json)) problem(file, `schema: ${p}`);
    if (/%(VERSION|TODAY|PLUGIN_ID)%/.test(text)) problem(file, 'has placeholders the build did not replace');
    const { id, type } = json;
    if (typeof json.name !== 'string' || json.name.trim() === '')
      problem(file, 'name must be a non-empty string');
    if (typeof id === 'string' && typeof type === 'string' && !id.endsWith(`-${type}`))
      problem(file, `id "${id}" does not end with its type "${type}"`);
    if (!fs.existsSync(path.join(dist, folder, 'module.js'))) problem(file, 'no module.js beside it');
    for (const p of checkAssets(dist, file, json)) problem(file, p);

    const deps = json.dependencies;
    if (
      isObject(deps) &&
      typeof deps.grafanaDependency === 'string' &&
      RANGE.test(deps.grafanaDependency) &&
      !satisfies(options.grafanaVersion, deps.grafanaDependency)
    )
      problem(
        file,
        `grafanaDependency "${deps.grafanaDependency}" excludes Grafana ${options.grafanaVersion}`,
      );

    if (type === 'datasource') {
      if (json.metrics !== true) problem(file, 'a data source for panels needs "metrics": true');
      const routes = json.routes;
      if (!Array.isArray(routes) || routes.length === 0)
        problem(file, 'no data-proxy routes: the API key would have to travel through the browser');
      else
        for (const route of routes as unknown[]) {
          if (!isObject(route) || typeof route.path !== 'string' || typeof route.url !== 'string') {
            problem(file, 'every route needs path and url');
            continue;
          }
          const headers = Array.isArray(route.headers) ? (route.headers as unknown[]) : [];
          const auth = headers.find(
            (h) => isObject(h) && typeof h.name === 'string' && h.name.toLowerCase() === 'authorization',
          );
          if (
            !isObject(auth) ||
            typeof auth.content !== 'string' ||
            !auth.content.includes('.SecureJsonData.')
          )
            problem(file, `route "${route.path}" does not add the Authorization header from secureJsonData`);
          if (JSON.stringify(route).includes('.JsonData.apiKey'))
            problem(file, `route "${route.path}" reads the key from jsonData (visible to viewers)`);
        }
    }
  }

  // The app and what it includes.
  const app = jsons.get('plugin.json');
  if (app) {
    if (app.type !== 'app') problem('plugin.json', 'the root plugin.json must be the app');
    const includes = Array.isArray(app.includes) ? (app.includes as unknown[]) : [];
    const nested = [...jsons.entries()].filter(([file]) => file !== 'plugin.json');
    for (const inc of includes) {
      if (!isObject(inc)) {
        problem('plugin.json', 'includes entries must be objects');
        continue;
      }
      if (inc.type === 'dashboard') {
        const file = typeof inc.path === 'string' ? inc.path : '';
        const full = path.join(dist, file);
        if (!file || !fs.existsSync(full)) {
          problem('plugin.json', `includes dashboard "${file}" (${String(inc.name)}), which is not in dist`);
          continue;
        }
        try {
          const dashboard = JSON.parse(fs.readFileSync(full, 'utf8')) as unknown;
          if (!isObject(dashboard) || typeof dashboard.title !== 'string' || !Array.isArray(dashboard.panels))
            problem(file, 'is not a dashboard (title and panels)');
        } catch (err) {
          problem(file, `is not JSON: ${(err as Error).message}`);
        }
      }
      if (
        inc.type === 'page' &&
        (typeof inc.path !== 'string' || !inc.path.startsWith(`/a/${String(app.id)}`)) &&
        inc.path !== `/plugins/${String(app.id)}`
      ) {
        problem(
          'plugin.json',
          `page "${String(inc.name)}" path ${JSON.stringify(inc.path)} is not under /a/${String(app.id)}`,
        );
      }
      // The validator's includesnested rule: a nested plugin is declared by its plugin.json path.
      if (inc.type === 'datasource' || inc.type === 'panel') {
        const target = typeof inc.path === 'string' ? jsons.get(inc.path) : undefined;
        if (typeof inc.path !== 'string')
          problem(
            'plugin.json',
            `includes ${inc.type} "${String(inc.name)}" without a path to its plugin.json`,
          );
        else if (!target)
          problem('plugin.json', `includes ${inc.type} path "${inc.path}", which is not in dist`);
        else if (target.type !== inc.type || target.name !== inc.name)
          problem(
            'plugin.json',
            `includes "${inc.path}" as ${inc.type} "${String(inc.name)}", but it is ${String(target.type)} "${String(target.name)}"`,
          );
      }
    }
    for (const [file, j] of nested) {
      if (
        !includes.some(
          (inc) => isObject(inc) && inc.path === file.split(path.sep).join('/') && inc.type === j.type,
        )
      )
        problem(
          file,
          `nested ${String(j.type)} "${String(j.name)}" is not declared (type and path) in the app's includes`,
        );
      const depApp = isObject(app.dependencies) ? app.dependencies.grafanaDependency : undefined;
      if (isObject(j.dependencies) && j.dependencies.grafanaDependency !== depApp)
        problem(file, `grafanaDependency differs from the app's (${String(depApp)})`);
    }
  }
  return problems;
}
