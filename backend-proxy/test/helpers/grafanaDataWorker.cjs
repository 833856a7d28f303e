/*
 * Runs @grafana/data on answers of the Grafana API, in plain Node (which can `require` the ES
 * modules @grafana/data depends on; Jest's module loader cannot). Reads {items: [...]} on stdin,
 * writes what toDataFrame and getHistogramFields make of each item on stdout.
 *
 * @grafana/data's entry point touches window/document/history when it loads; these stubs are
 * just enough for it to load. toDataFrame and getHistogramFields never use them.
 */
'use strict';
const noop = () => undefined;
const element = () => ({ sheet: { insertRule: () => 0, cssRules: [] }, appendChild: noop, setAttribute: noop, style: {} });
const history = { pushState: noop, replaceState: noop };
globalThis.window = {
  addEventListener: noop,
  removeEventListener: noop,
  dispatchEvent: noop,
  history,
  matchMedia: () => ({ matches: false, addListener: noop, removeListener: noop }),
  location: { href: '', search: '', pathname: '/' },
  navigator: { userAgent: 'node' },
};
globalThis.history = history;
globalThis.document = {
  head: { appendChild: noop },
  body: { appendChild: noop },
  createElement: element,
  createTextNode: () => ({}),
  documentElement: { style: {} },
  addEventListener: noop,
  removeEventListener: noop,
  querySelector: () => null,
  getElementsByTagName: () => [{}],
};
const grafana = require('@grafana/data');

const plainField = (f) => ({ name: f.name, type: f.type, values: Array.from(f.values), labels: f.labels, config: f.config });

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const { items } = JSON.parse(input);
  const converted = items.map((item) => {
    const frame = grafana.toDataFrame(item);
    const histogram = grafana.getHistogramFields(frame);
    return {
      frame: { name: frame.name, refId: frame.refId, meta: frame.meta, length: frame.length, fields: frame.fields.map(plainField) },
      histogram: histogram ? { xMin: plainField(histogram.xMin), xMax: plainField(histogram.xMax), counts: histogram.counts.map(plainField) } : null,
    };
  });
  process.stdout.write(JSON.stringify({ converted, heatmapRows: grafana.DataFrameType.HeatmapRows, fieldTypes: grafana.FieldType }));
});
