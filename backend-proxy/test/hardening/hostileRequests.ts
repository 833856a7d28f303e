/**
 * The generated hostile requests of hostileInput.test.ts: every route, crossed with malformed
 * bodies and encodings, hostile path segments, hostile query values, and hostile values in each
 * field of a valid body. Each request is one the API must refuse with a 4xx.
 */
import { gzipSync } from 'node:zlib';

export interface HostileRequest {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

interface Route {
  method: string;
  /** `{name}`-style placeholders are filled with valid seeded values or hostile segments. */
  path: string;
  /** A valid body, whose fields are replaced one at a time with hostile values. */
  body?: Record<string, unknown> | unknown[];
  /** Query parameters the route reads, each given hostile values. */
  query?: string[];
  /** False where unknown query parameters are ignored by design. */
  strictQuery?: boolean;
}

export interface Seed {
  endpoint: string;
  experiment: string;
  run: number;
  artifact: string;
  monitor: string;
}

const ENDPOINT_SPEC = { project: 'hostile', model: 'm2', features: [{ name: 'x', kind: 'numeric' }] };

export function routes(seed: Seed): Route[] {
  const e = `/api/v1/endpoints/{endpoint}`;
  const x = `/api/v1/experiments/{experiment}`;
  const m = `/api/v1/monitors/{monitor}`;
  return [
    { method: 'GET', path: '/api/v1/experiments', query: ['project'], strictQuery: false },
    { method: 'GET', path: x },
    { method: 'DELETE', path: x, query: ['force'] },
    { method: 'POST', path: `${x}/runs`, body: { provider: 'default' } },
    {
      method: 'POST',
      path: `${x}/runs/{run}/stop`,
      body: { status: 'FAILED', error: 'x' },
    },
    {
      method: 'POST',
      path: `${x}/events`,
      body: [{ event: 'metric', key: 'accuracy', value: 0.5, step: 1 }],
    },
    { method: 'GET', path: `${x}/summary` },
    {
      method: 'GET',
      path: `${x}/data`,
      query: ['since', 'end', 'limit', 'cursor'],
    },
    { method: 'GET', path: `${x}/runs/{run}/artifacts/{artifact}` },
    { method: 'POST', path: '/api/v1/endpoints', body: ENDPOINT_SPEC },
    {
      method: 'GET',
      path: '/api/v1/endpoints',
      query: ['project', 'model', 'function', 'label', 'offset', 'limit'],
    },
    { method: 'GET', path: e },
    { method: 'PUT', path: `${e}/reference`, body: [{ x: 1 }, { x: 2 }] },
    { method: 'GET', path: `${e}/reference` },
    { method: 'GET', path: `${e}/metrics`, query: ['from', 'to', 'step'] },
    { method: 'GET', path: `${e}/drift`, query: ['from', 'to', 'baselineFrom', 'baselineTo'] },
    { method: 'GET', path: `${e}/accuracy`, query: ['from', 'to'] },
    { method: 'GET', path: `${e}/samples`, query: ['limit'] },
    {
      method: 'POST',
      path: '/api/v1/predictions',
      body: { batchId: 'hostile', events: [{ endpoint: seed.endpoint, features: { x: 1 } }] },
    },
    { method: 'POST', path: '/api/v1/labels', body: [{ requestId: 'r-hostile', label: 1 }] },
    { method: 'GET', path: '/api/v1/projects/{project}/settings' },
    {
      method: 'PUT',
      path: '/api/v1/projects/{project}/settings',
      body: { thresholds: { possibleDrift: 0.4, driftDetected: 0.6 } },
    },
    { method: 'POST', path: '/api/v1/keys', body: { name: 'k', scopes: ['read'] } },
    { method: 'DELETE', path: '/api/v1/keys/{key}' },
    {
      method: 'POST',
      path: '/api/v1/monitors',
      body: { name: 'mon2', experiment: 'mon-exp', endpoint: seed.endpoint },
    },
    { method: 'GET', path: m },
    { method: 'DELETE', path: m },
    { method: 'GET', path: `${m}/snapshots` },
    { method: 'POST', path: `${m}/compare`, body: { baseline: 1, recent: 2 } },
    { method: 'POST', path: '/api/v1/jobs/{job}/run' },
    { method: 'GET', path: '/api/v1/jobs/{job}' },
    {
      method: 'POST',
      path: '/api/v1/alerts/rules',
      body: { name: 'r', metric: 'tvd_mean', comparison: '>', threshold: 0.5 },
    },
    { method: 'DELETE', path: '/api/v1/alerts/rules/{rule}' },
    {
      method: 'POST',
      path: '/api/v1/reports/compare',
      body: { experiment: 'hostile-report', reference: 'x\n1\n2\n', current: 'x\n1\n2\n' },
    },
    { method: 'POST', path: '/grafana/search', body: { target: 'endpoints' } },
    { method: 'POST', path: '/grafana/metrics', body: { metric: 'drift' } },
    { method: 'POST', path: '/grafana/metric-payload-options', body: { metric: 'drift', name: 'endpoint' } },
    {
      method: 'POST',
      path: '/grafana/query',
      body: {
        range: { from: '2026-01-01T00:00:00Z', to: '2026-01-01T01:00:00Z' },
        intervalMs: 60_000,
        maxDataPoints: 100,
        targets: [{ target: 'drift', refId: 'A', payload: { endpoint: seed.endpoint } }],
      },
    },
    {
      method: 'POST',
      path: '/grafana/annotations',
      body: {
        range: { from: '2026-01-01T00:00:00Z', to: '2026-01-01T01:00:00Z' },
        annotation: { query: 'drift' },
      },
    },
    {
      method: 'POST',
      path: '/grafana/variable',
      body: { payload: { target: 'endpoints' } },
    },
    { method: 'POST', path: '/grafana/tag-keys', body: {} },
    { method: 'POST', path: '/grafana/tag-values', body: { key: 'project' } },
  ];
}

/** Bodies no JSON route can accept, whatever it expects. */
const RAW_BODIES: Array<{ name: string; headers: Record<string, string>; body: string | Buffer }> = [
  ...[
    '{',
    '[1,',
    '{"a":}',
    'nul',
    '{"a":1}}',
    "{'a':1}",
    '{"a":NaN}',
    '{"a":Infinity}',
    '[-Infinity]',
    '\u0000',
    '{"a":1,}',
  ].map((body, i) => ({
    name: `malformed JSON ${i}`,
    headers: { 'content-type': 'application/json' },
    body,
  })),
  ...['1', '"text"', 'true', 'null'].map((body) => ({
    name: `top-level ${body}`,
    headers: { 'content-type': 'application/json' },
    body,
  })),
  {
    name: 'fake gzip',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: '{"a":1}',
  },
  {
    name: 'fake deflate',
    headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' },
    body: 'xx',
  },
  { name: 'fake br', headers: { 'content-type': 'application/json', 'content-encoding': 'br' }, body: 'xx' },
  {
    name: 'unknown encoding',
    headers: { 'content-type': 'application/json', 'content-encoding': 'snappy' },
    body: '{}',
  },
  {
    name: 'gzip of malformed JSON',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: gzipSync('{"a":'),
  },
  { name: 'ucs-4 charset', headers: { 'content-type': 'application/json; charset=ucs-4' }, body: '{}' },
  { name: 'utf-7 charset', headers: { 'content-type': 'application/json; charset=utf-7' }, body: '{}' },
  {
    name: 'utf-16 charset',
    headers: { 'content-type': 'application/json; charset=utf-16le' },
    body: Buffer.from('{}', 'utf16le'),
  },
  {
    name: 'truncated UTF-8',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from([0x7b, 0x22, 0xe2, 0x82]),
  },
  {
    name: 'oversize body',
    headers: { 'content-type': 'application/json' },
    body: `[${'0,'.repeat(700_000)}0]`,
  },
  {
    name: 'deep nesting',
    headers: { 'content-type': 'application/json' },
    body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
  },
];

/** Path segments that name nothing that exists, or nothing valid at all. */
const SEGMENTS = [
  '%FF%FE',
  '%E0%A4%A',
  '%',
  '%00',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '%24where',
  '%7B%22%24gt%22%3A%22%22%7D',
  'x'.repeat(5_000),
  '%20',
  '%C0%AF',
  '%ED%A0%80',
  '%5C..%5C..%5Cwindows',
  '%F0%9F',
];

/** Values no name-like query parameter (project, model, key, ...) accepts. */
const NAME_VALUES = ['%24gt', '%FF', '..%2F..%2Fetc', 'x'.repeat(10_000), '%00', '%7B%22%24gt%22%3A1%7D'];
const NAME_PARAMS = new Set(['project', 'model', 'function', 'label', 'event', 'key', 'cursor']);

/** Values no numeric or time query parameter accepts. */
const QUERY_VALUES = [
  '1e400',
  '-1e308',
  '99999999999999999999',
  'NaN',
  'Infinity',
  '%FF',
  '%24gt',
  'x'.repeat(10_000),
  '-1',
  '1.5e10',
  '1,2',
  '1e-400x',
  '0x1F',
  '1e3',
  '%2012',
  '0b11',
  '0o17',
  '%2B5',
  '12abc',
];

/** Values for fields of a JSON body that no field accepts (1e400 parses to Infinity). */
const FIELD_VALUES: Array<[string, string]> = [
  ['Infinity', '1e400'],
  ['-Infinity', '-1e400'],
  ['$ operator', '{"$gt":""}'],
  ['$where', '{"$where":"sleep(1000)"}'],
  ['huge string', JSON.stringify('s'.repeat(300_000))],
  ['huge array', `[${'{},'.repeat(150_000)}{}]`],
  ['deep nesting', `${'{"a":'.repeat(2_000)}1${'}'.repeat(2_000)}`],
  ['wrong type: nested arrays', '[[[[]]]]'],
];

/**
 * Fields that take any JSON by design (an event's value, a reference row's cell, a label, the
 * rows of a report): no type is hostile there, but non-finite numbers and operator objects are.
 */
const FREE_FORM_FIELDS = new Set([
  '/api/v1/experiments/{experiment}/events value',
  '/api/v1/endpoints/{endpoint}/reference x',
  '/api/v1/labels label',
  '/api/v1/reports/compare reference',
  '/api/v1/reports/compare current',
]);
const FREE_FORM_VALUES = new Set(['Infinity', '-Infinity', '$ operator', '$where']);

/** Numbers no time, interval or count takes. */
const HUGE_NUMBERS = ['1e308', '-1e308', '1e400', '-1e400', '-1e20', '1e20', '9e15'];

function fill(path: string, seed: Seed, hostile?: [string, string]): string {
  const values: Record<string, string> = {
    endpoint: seed.endpoint,
    experiment: encodeURIComponent(seed.experiment),
    run: String(seed.run),
    artifact: seed.artifact,
    monitor: seed.monitor,
    project: 'hostile',
    key: 'no-such-key',
    job: 'no-such-job',
    rule: 'no-such-rule',
  };
  return path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    hostile && hostile[0] === name ? hostile[1] : values[name],
  );
}

const json = { 'content-type': 'application/json' };

/** Every hostile request, deterministic. */
export function hostileRequests(seed: Seed): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const route of routes(seed)) {
    const path = fill(route.path, seed);
    const label = `${route.method} ${route.path}`;
    for (const raw of RAW_BODIES.filter((r) => route.body || r.name !== 'deep nesting'))
      out.push({
        name: `${label}: ${raw.name}`,
        method: route.method,
        path,
        headers: raw.headers,
        body: raw.body,
      });
    for (const placeholder of route.path.match(/\{\w+\}/g) ?? []) {
      const name = placeholder.slice(1, -1);
      for (const segment of SEGMENTS)
        out.push({
          name: `${label}: ${name}=${segment.slice(0, 40)}`,
          method: route.method,
          path: fill(route.path, seed, [name, segment]),
          headers: route.body ? json : {},
          body: route.body ? JSON.stringify(route.body) : undefined,
        });
    }
    for (const param of route.query ?? [])
      for (const value of NAME_PARAMS.has(param) ? NAME_VALUES : QUERY_VALUES)
        out.push({
          name: `${label}: ?${param}=${value.slice(0, 40)}`,
          method: route.method,
          path: `${path}?${param}=${value}`,
          headers: {},
        });
    if (route.query && route.strictQuery !== false)
      out.push({
        name: `${label}: unknown query parameter`,
        method: route.method,
        path: `${path}?%24where=1`,
        headers: {},
      });
    if (route.body) {
      const template = route.body;
      const fields = Array.isArray(template) ? Object.keys(template[0] as object) : Object.keys(template);
      for (const field of fields)
        for (const [valueName, value] of FIELD_VALUES.filter(
          ([name]) => !FREE_FORM_FIELDS.has(`${route.path} ${field}`) || FREE_FORM_VALUES.has(name),
        )) {
          const text = JSON.stringify(template).replace(
            new RegExp(`"${field}":(?:"[^"]*"|[^,}\\]]+|\\{[^}]*\\}|\\[[^\\]]*\\])`),
            `"${field}":${value}`,
          );
          out.push({
            name: `${label}: ${field}=${valueName}`,
            method: route.method,
            path,
            headers: json,
            body: text,
          });
        }
      out.push({
        name: `${label}: JSON as text/plain garbage`,
        method: route.method,
        path,
        headers: { 'content-type': 'text/csv' },
        body: '\u0000\u0001,"unterminated\n\r\n,,,\n"',
      });
    }
  }
  // Grafana ranges and sizes.
  for (const from of HUGE_NUMBERS)
    for (const to of HUGE_NUMBERS)
      out.push({
        name: `grafana query range ${from}..${to}`,
        method: 'POST',
        path: '/grafana/query',
        headers: json,
        body: `{"range":{"from":${from},"to":${to}},"targets":[{"target":"drift","payload":{"endpoint":"${seed.endpoint}"}}]}`,
      });
  for (const field of ['intervalMs', 'maxDataPoints'])
    for (const value of [...HUGE_NUMBERS, '0', '-1', '"x"'])
      out.push({
        name: `grafana query ${field}=${value}`,
        method: 'POST',
        path: '/grafana/query',
        headers: json,
        body: `{"range":{"from":"2026-01-01T00:00:00Z","to":"2026-01-02T00:00:00Z"},"${field}":${value},"targets":[{"target":"drift","payload":{"endpoint":"${seed.endpoint}"}}]}`,
      });
  // Prediction timestamps outside the window, in both forms.
  for (const timestamp of [
    '1e20',
    '-1e20',
    '1e400',
    '12',
    '"0001-01-01T00:00:00Z"',
    '"9999-12-31T00:00:00Z"',
    '"2001-01-01T00:00:00Z"',
  ])
    for (const shape of ['plain', 'mlrun'])
      out.push({
        name: `prediction ${shape} timestamp ${timestamp}`,
        method: 'POST',
        path: '/api/v1/predictions',
        headers: json,
        body:
          shape === 'plain'
            ? `{"events":[{"endpoint":"${seed.endpoint}","features":{"x":1}},{"endpoint":"${seed.endpoint}","timestamp":${timestamp},"features":{"x":1}}]}`
            : `[{"endpoint_id":"${seed.endpoint}","request":{"inputs":[[1]]}},{"endpoint_id":"${seed.endpoint}","when":${timestamp},"request":{"inputs":[[1]]}}]`,
      });
  // Garbage CSV where CSV is read.
  for (const csv of ['', '\n\n\n', 'x\n"unterminated', 'x,y\n1\n1,2,3', '\u0000\u0000', 'x\n"a""b'])
    for (const path of [
      fill('/api/v1/endpoints/{endpoint}/reference', seed),
      fill('/api/v1/monitors/{monitor}/compare', seed),
    ])
      out.push({
        name: `garbage CSV ${JSON.stringify(csv.slice(0, 20))} to ${path}`,
        method: path.endsWith('compare') ? 'POST' : 'PUT',
        path,
        headers: { 'content-type': 'text/csv' },
        body: csv,
      });
  return out;
}
