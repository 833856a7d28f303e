/**
 * Is a built plugin folder valid for Grafana? The rules of Grafana's plugin.json schema
 * (docs/sources/developers/plugins/plugin.schema.json) and loader that matter for this app, written
 * out: required fields and their formats, ids in the `<org>-<name>-<type>` form, known top-level
 * keys, `grafanaDependency` as a version range the target Grafana satisfies, a module.js beside
 * every plugin.json, logos that exist, nested plugins declared in the app's `includes` (and the
 * other way round), dashboards that exist and parse, and data-proxy routes that keep the key in
 * secureJsonData. Returns the problems found (none: valid).
 */
import fs from 'node:fs';
import path from 'node:path';

type Json = Record<string, unknown>;

const TYPES = ['app', 'datasource', 'panel', 'renderer', 'secretsmanager', 'transformer'];
const INCLUDE_TYPES = ['dashboard', 'page', 'panel', 'datasource', 'secretsmanager'];
const ID = /^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource|secretsmanager|transformer)$/;
const RANGE =
  /^(<=|>=|<|>|=|~|\^)?([0-9]+)(\.[0-9x*]+)(\.[0-9x*]+)?(\s(<=|>=|<|=>)?([0-9]+)(\.[0-9x]+)(\.[0-9x]+))?$/;
const KNOWN_KEYS = new Set([
  '$schema',
  'id',
  'type',
  'name',
  'info',
  'dependencies',
  'includes',
  'routes',
  'metrics',
  'annotations',
  'logs',
  'tracing',
  'streaming',
  'alerting',
  'backend',
  'executable',
  'category',
  'queryOptions',
  'skipDataQuery',
  'state',
  'preload',
  'autoEnabled',
  'hideFromList',
  'builtIn',
  'buildMode',
  'iam',
  'roles',
  'extensions',
  'enterpriseFeatures',
  'multiValueFilterOperators',
  'pascalName',
  'aliasIDs',
]);

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
  for (const file of ['README.md', 'CHANGELOG.md', 'LICENSE'])
    if (!fs.existsSync(path.join(dist, file))) problem(file, 'missing in dist');

  for (const [file, json] of jsons) {
    const folder = path.dirname(file);
    const text = JSON.stringify(json);
    for (const key of ['type', 'name', 'id', 'info', 'dependencies'])
      if (json[key] === undefined) problem(file, `required "${key}" is missing`);
    for (const key of Object.keys(json))
      if (!KNOWN_KEYS.has(key)) problem(file, `unknown top-level key "${key}"`);
    if (/%(VERSION|TODAY|PLUGIN_ID)%/.test(text)) problem(file, 'has placeholders the build did not replace');
    const { id, type, name } = json;
    if (typeof type !== 'string' || !TYPES.includes(type))
      problem(file, `type ${JSON.stringify(type)} is not one of ${TYPES.join(', ')}`);
    if (typeof name !== 'string' || name.trim() === '') problem(file, 'name must be a non-empty string');
    if (typeof id !== 'string' || !ID.test(id))
      problem(file, `id ${JSON.stringify(id)} is not of the form <org>-<name>-<type>`);
    else if (typeof type === 'string' && !id.endsWith(`-${type}`))
      problem(file, `id "${id}" does not end with its type "${type}"`);
    if (!fs.existsSync(path.join(dist, folder, 'module.js'))) problem(file, 'no module.js beside it');

    const info = json.info;
    if (!isObject(info)) problem(file, 'info must be an object');
    else {
      for (const key of ['logos', 'version', 'updated', 'keywords'])
        if (info[key] === undefined) problem(file, `info.${key} is missing`);
      if (typeof info.version !== 'string' || !/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)/.test(info.version))
        problem(file, `info.version ${JSON.stringify(info.version)} is not x.y.z`);
      if (typeof info.updated !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(info.updated))
        problem(file, `info.updated ${JSON.stringify(info.updated)} is not YYYY-MM-DD`);
      if (!Array.isArray(info.keywords) || info.keywords.length === 0)
        problem(file, 'info.keywords needs at least one keyword');
      const logos = info.logos;
      if (!isObject(logos) || typeof logos.small !== 'string' || typeof logos.large !== 'string')
        problem(file, 'info.logos needs small and large');
      else
        for (const logo of [logos.small, logos.large] as string[])
          if (!fs.existsSync(path.join(dist, folder, logo))) problem(file, `logo ${logo} does not exist`);
    }

    const deps = json.dependencies;
    if (!isObject(deps) || typeof deps.grafanaDependency !== 'string')
      problem(file, 'dependencies.grafanaDependency is missing');
    else if (!RANGE.test(deps.grafanaDependency))
      problem(file, `grafanaDependency "${deps.grafanaDependency}" is not a version range Grafana reads`);
    else if (!satisfies(options.grafanaVersion, deps.grafanaDependency))
      problem(
        file,
        `grafanaDependency "${deps.grafanaDependency}" excludes Grafana ${options.grafanaVersion}`,
      );
    if (isObject(deps) && deps.plugins !== undefined && !Array.isArray(deps.plugins))
      problem(file, 'dependencies.plugins must be an array');

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
      if (typeof inc.type !== 'string' || !INCLUDE_TYPES.includes(inc.type))
        problem(
          'plugin.json',
          `include type ${JSON.stringify(inc.type)} is not one of ${INCLUDE_TYPES.join(', ')}`,
        );
      if (inc.role !== undefined && !['Admin', 'Editor', 'Viewer'].includes(String(inc.role)))
        problem('plugin.json', `include role ${JSON.stringify(inc.role)}`);
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
      if (
        (inc.type === 'datasource' || inc.type === 'panel') &&
        !nested.some(([, j]) => j.type === inc.type && j.name === inc.name)
      ) {
        problem(
          'plugin.json',
          `includes ${inc.type} "${String(inc.name)}" but no nested plugin.json has that type and name`,
        );
      }
    }
    for (const [file, j] of nested) {
      if (!includes.some((inc) => isObject(inc) && inc.type === j.type && inc.name === j.name))
        problem(file, `nested ${String(j.type)} "${String(j.name)}" is not in the app's includes`);
      const depApp = isObject(app.dependencies) ? app.dependencies.grafanaDependency : undefined;
      if (isObject(j.dependencies) && j.dependencies.grafanaDependency !== depApp)
        problem(file, `grafanaDependency differs from the app's (${String(depApp)})`);
    }
  }
  return problems;
}
