/**
 * Grafana's plugin.json schema, as facts: which keys exist, which are required, their types, enums
 * and patterns, and where unknown keys are refused (`additionalProperties: false`). Written down
 * from grafana/grafana docs/sources/developers/plugins/plugin.schema.json (commit 021371ce, the
 * file Grafana's plugin validator fetches from main); descriptions are left out. Grafana is
 * AGPL-3.0, so the file itself is not copied: this is our own reading of it, and `validate` is our
 * own checker for the subset of JSON Schema the file uses (type, required, properties,
 * additionalProperties, enum, pattern, items, minItems).
 */

export interface Schema {
  type?: 'object' | 'array' | 'string' | 'boolean' | 'number';
  required?: string[];
  properties?: Record<string, Schema>;
  /** false: keys outside `properties` are refused. */
  additionalProperties?: boolean;
  enum?: string[];
  pattern?: string;
  items?: Schema;
  minItems?: number;
}

const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const num: Schema = { type: 'number' };
const obj = (properties: Record<string, Schema>, extra: Partial<Schema> = {}): Schema => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...extra,
});

const ID_PATTERN = '^[0-9a-z]+\\-([0-9a-z]+\\-)?(app|panel|datasource|secretsmanager|transformer)$';
export const GRAFANA_DEPENDENCY_PATTERN =
  '^(<=|>=|<|>|=|~|\\^)?([0-9]+)(\\.[0-9x\\*]+)(\\.[0-9x\\*]+)?(\\s(<=|>=|<|=>)?([0-9]+)(\\.[0-9x]+)(\\.[0-9x]+))?$';

const route = obj({
  path: str,
  method: str,
  url: str,
  reqSignedIn: bool,
  reqRole: str,
  headers: { type: 'array' },
  body: { type: 'object' },
  tokenAuth: obj({
    url: str,
    scopes: { type: 'array', items: str },
    params: {
      type: 'object',
      properties: { grant_type: str, client_id: str, client_secret: str, resource: str },
    },
  }),
  jwtTokenAuth: {
    type: 'object',
    properties: {
      url: str,
      scopes: { type: 'array', items: str },
      params: obj({ token_uri: str, client_email: str, private_key: str }),
    },
  },
  urlParams: { type: 'array', items: obj({ name: str, content: str }) },
});

export const PLUGIN_SCHEMA: Schema = obj(
  {
    id: { type: 'string', pattern: ID_PATTERN },
    type: {
      type: 'string',
      enum: ['app', 'datasource', 'panel', 'renderer', 'secretsmanager', 'transformer'],
    },
    info: obj(
      {
        author: obj({ name: str, email: str, url: str }),
        build: obj({ time: num, repo: str, branch: str, hash: str, number: num, pr: num }),
        description: str,
        keywords: { type: 'array', minItems: 1, items: str },
        links: { type: 'array', items: obj({ name: str, url: str }) },
        logos: obj({ small: str, large: str }, { required: ['small', 'large'] }),
        screenshots: { type: 'array', items: obj({ name: str, path: str }) },
        updated: { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2}|\\%TODAY\\%)$' },
        version: {
          type: 'string',
          pattern: '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)|(\\%VERSION\\%)$',
        },
      },
      { required: ['logos', 'version', 'updated', 'keywords'] },
    ),
    name: str,
    dependencies: obj(
      {
        grafanaVersion: { type: 'string', pattern: '^([0-9]+)(\\.[0-9x]+)?(\\.[0-9x])?$' },
        grafanaDependency: { type: 'string', pattern: GRAFANA_DEPENDENCY_PATTERN },
        plugins: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'name', 'type', 'version'],
            properties: {
              id: {
                type: 'string',
                pattern: '^[0-9a-z]+\\-([0-9a-z]+\\-)?(app|panel|datasource|secretsmanager)$',
              },
              type: { type: 'string', enum: ['app', 'datasource', 'panel', 'secretsmanager'] },
              name: str,
              version: str,
            },
          },
        },
      },
      { required: ['grafanaDependency'] },
    ),
    $schema: str,
    // Not in commit 021371ce: later revisions add it, and create-plugin's build writes it.
    buildMode: str,
    alerting: bool,
    annotations: bool,
    autoEnabled: bool,
    backend: bool,
    builtIn: bool,
    category: {
      type: 'string',
      enum: ['tsdb', 'logging', 'cloud', 'tracing', 'profiling', 'sql', 'enterprise', 'iot', 'other'],
    },
    enterpriseFeatures: { type: 'object', properties: { healthDiagnosticsErrors: bool } },
    executable: str,
    hideFromList: bool,
    includes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          uid: str,
          type: { type: 'string', enum: ['dashboard', 'page', 'panel', 'datasource', 'secretsmanager'] },
          name: str,
          component: str,
          role: { type: 'string', enum: ['Admin', 'Editor', 'Viewer'] },
          path: str,
          addToNav: bool,
          defaultNav: bool,
          icon: str,
        },
      },
    },
    logs: bool,
    metrics: bool,
    pascalName: { type: 'string', pattern: '^([A-Z][a-zA-Z]{1,62})$' },
    preload: bool,
    queryOptions: obj({ maxDataPoints: bool, minInterval: bool, cacheTimeout: bool }),
    routes: { type: 'array', items: route },
    skipDataQuery: bool,
    state: { type: 'string', enum: ['alpha', 'beta'] },
    streaming: bool,
    tracing: bool,
  },
  { required: ['type', 'name', 'id', 'info', 'dependencies'] },
);

const typeOf = (v: unknown): string =>
  Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v;

/** Where `value` breaks `schema`: one message per problem, each naming the JSON path (none: valid). */
export function validate(value: unknown, schema: Schema = PLUGIN_SCHEMA, at = '$'): string[] {
  const problems: string[] = [];
  if (schema.type !== undefined && typeOf(value) !== schema.type)
    return [
      `${at} must be ${schema.type === 'array' || schema.type === 'object' ? 'an' : 'a'} ${schema.type}`,
    ];
  if (schema.enum && !schema.enum.includes(value as string))
    problems.push(`${at} ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
  if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern).test(value))
    problems.push(`${at} ${JSON.stringify(value)} does not match ${schema.pattern}`);
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      problems.push(`${at} needs at least ${schema.minItems} item(s)`);
    if (schema.items)
      value.forEach((item, i) => problems.push(...validate(item, schema.items, `${at}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? [])
      if (record[key] === undefined) problems.push(`${at}.${key} is required`);
    for (const [key, v] of Object.entries(record)) {
      const sub = schema.properties?.[key];
      if (sub) problems.push(...validate(v, sub, `${at}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${at}.${key} is not a known key`);
    }
  }
  return problems;
}
