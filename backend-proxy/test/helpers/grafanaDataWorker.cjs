/*
 * Runs @grafana/data on answers of the Grafana API, in plain Node (which can `require` the ES
 * modules @grafana/data depends on; Jest's module loader cannot). Reads {items: [...]} on stdin,
 * writes what toDataFrame and getHistogramFields make of each item on stdout.
 */
'use strict';
require('../../../scripts/test-support/grafana-data-node-stubs.cjs');
const grafana = require('@grafana/data');

const plainField = (f) => ({
  name: f.name,
  type: f.type,
  values: Array.from(f.values),
  labels: f.labels,
  config: f.config,
});

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const { items } = JSON.parse(input);
  const converted = items.map((item) => {
    const frame = grafana.toDataFrame(item);
    const histogram = grafana.getHistogramFields(frame);
    return {
      frame: {
        name: frame.name,
        refId: frame.refId,
        meta: frame.meta,
        length: frame.length,
        fields: frame.fields.map(plainField),
      },
      histogram: histogram
        ? {
            xMin: plainField(histogram.xMin),
            xMax: plainField(histogram.xMax),
            counts: histogram.counts.map(plainField),
          }
        : null,
    };
  });
  process.stdout.write(
    JSON.stringify({
      converted,
      heatmapRows: grafana.DataFrameType.HeatmapRows,
      fieldTypes: grafana.FieldType,
    }),
  );
});
