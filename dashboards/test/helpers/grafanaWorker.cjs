/*
 * Runs Grafana's own frame code (@grafana/data 12.4) on the proxy's answers, in plain Node: Jest's
 * module loader cannot load the ES modules @grafana/data depends on, Node's `require` can.
 *
 * Reads {items: [{id, results, transformations, reduceOptions}]} on stdin and writes, per item:
 * the frames `toDataFrame` makes of the results, the frames after the panel's transformations
 * (with Grafana's display name of each field), `getHistogramFields` of each transformed frame
 * (what the histogram panel uses), and, given reduceOptions, the stat panel's
 * `getFieldDisplayValues`. An item that makes @grafana/data throw gets `error` instead.
 */
'use strict';
require('../../../scripts/test-support/grafana-data-node-stubs.cjs');

const grafana = require('@grafana/data');
/** Precedes the JSON answer on stdout (keep in step with grafanaData.ts). */
const MARKER = '@@driftwatch-grafana-data@@';
const { firstValueFrom } = require('rxjs');

// Grafana's app registers its transformers at start-up; the same ones, each once (some are listed under two keys).
grafana.standardTransformersRegistry.setInit(() =>
  [...new Map(Object.values(grafana.standardTransformers).map((t) => [t.id, t])).values()].map((t) => ({
    id: t.id,
    aliasIds: t.aliasIds,
    name: t.name,
    description: t.description,
    transformation: t,
  })),
);

const plainFrame = (frame, all) => ({
  name: frame.name,
  refId: frame.refId,
  meta: frame.meta,
  length: frame.length,
  fields: frame.fields.map((f) => ({
    name: f.name,
    displayName: grafana.getFieldDisplayName(f, frame, all),
    type: f.type,
    values: Array.from(f.values),
    labels: f.labels,
    config: f.config,
  })),
});

async function convert(item) {
  const frames = item.results.map((r) => grafana.toDataFrame(r));
  const transformed =
    item.transformations && item.transformations.length
      ? await firstValueFrom(grafana.transformDataFrame(item.transformations, frames))
      : frames;
  const histograms = transformed.map((frame) => {
    const h = grafana.getHistogramFields(frame);
    return h
      ? {
          xMin: Array.from(h.xMin.values),
          xMax: Array.from(h.xMax.values),
          counts: h.counts.map((c) => ({ name: c.name, values: Array.from(c.values) })),
        }
      : null;
  });
  let stat = null;
  if (item.reduceOptions) {
    const theme = grafana.createTheme();
    const fieldConfig = { defaults: {}, overrides: [] };
    const data = grafana.applyFieldOverrides({
      data: transformed,
      fieldConfig,
      replaceVariables: (s) => s,
      theme,
      fieldConfigRegistry: grafana.standardFieldConfigEditorRegistry,
    });
    stat = grafana
      .getFieldDisplayValues({
        data,
        reduceOptions: item.reduceOptions,
        fieldConfig,
        replaceVariables: (s) => s,
        theme,
        timeZone: 'utc',
      })
      .map((v) => ({
        title: v.display.title,
        text: v.display.text,
        numeric: Number.isFinite(v.display.numeric) ? v.display.numeric : null,
      }));
  }
  return {
    id: item.id,
    frames: frames.map((f) => plainFrame(f, frames)),
    transformed: transformed.map((f) => plainFrame(f, transformed)),
    histograms,
    stat,
  };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  try {
    const { items } = JSON.parse(input);
    const converted = [];
    for (const item of items) {
      try {
        converted.push(await convert(item));
      } catch (err) {
        // What Grafana would show as the panel's error (e.g. a join on a missing field).
        converted.push({ id: item.id, error: err.message });
      }
    }
    // @grafana/data's dependencies print notices on stdout; the marker separates the answer from them.
    process.stdout.write(
      `\n${MARKER}${JSON.stringify({ converted, heatmapRows: grafana.DataFrameType.HeatmapRows })}`,
    );
  } catch (err) {
    process.stderr.write(`${err.stack}\n`);
    process.exitCode = 1;
  }
});
