/** Runs @grafana/data on the proxy's answers through grafanaWorker.cjs (see there why a child process). */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface PlainField {
  name: string;
  /** Grafana's getFieldDisplayName: what legends, table headers and `byName` matchers see. */
  displayName: string;
  type: string;
  values: unknown[];
  labels?: Record<string, string>;
  config?: Record<string, unknown>;
}

export interface PlainFrame {
  name?: string;
  refId?: string;
  meta?: { type?: string; custom?: Record<string, unknown> };
  length: number;
  fields: PlainField[];
}

export interface HistogramFields {
  xMin: number[];
  xMax: number[];
  counts: Array<{ name: string; values: Array<number | null> }>;
}

export interface StatValue {
  title: string;
  text: string;
  numeric: number | null;
}

export interface ConversionRequest {
  id: string;
  results: unknown[];
  transformations?: unknown[];
  reduceOptions?: unknown;
}

export interface Conversion {
  id: string;
  /** Set when @grafana/data threw on this answer (Grafana would show the panel's error). */
  error?: string;
  /** `toDataFrame` of each result, as Grafana makes frames of a JSON data source's answer. */
  frames: PlainFrame[];
  /** The frames after the panel's transformations, what the panel renders. */
  transformed: PlainFrame[];
  /** Per transformed frame: what the histogram panel's `getHistogramFields` finds, or null. */
  histograms: Array<HistogramFields | null>;
  /** What a stat panel with these reduceOptions shows, or null without reduceOptions. */
  stat: StatValue[] | null;
}

export interface ConversionResult {
  converted: Conversion[];
  /** @grafana/data's DataFrameType.HeatmapRows. */
  heatmapRows: string;
}

/** Precedes the worker's JSON answer on stdout (keep in step with grafanaWorker.cjs). */
const MARKER = '@@driftwatch-grafana-data@@';

export function convertWithGrafana(items: ConversionRequest[]): Promise<ConversionResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [join(__dirname, 'grafanaWorker.cjs')],
      { maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`@grafana/data worker failed: ${err.message}\n${stderr}`));
        else
          resolve(JSON.parse(stdout.slice(stdout.lastIndexOf(MARKER) + MARKER.length)) as ConversionResult);
      },
    );
    child.stdin?.end(JSON.stringify({ items }));
  });
}
