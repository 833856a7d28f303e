/**
 * The three answer shapes Grafana's JSON data sources read from `/query`, as typed builders:
 * SimpleJSON time series (`{target, datapoints}`), SimpleJSON tables (`{type: 'table', columns,
 * rows}`) and data frames (`{name, refId, meta, fields}`). Grafana's `toDataFrame` turns each of
 * them into a data frame, so a panel sees the same thing whichever shape a query answers.
 */

/** `[value, epoch ms]`; null values are gaps (no data in that step), not zeros. */
export type Datapoint = [number | null, number];

export interface TimeSeries {
  target: string;
  datapoints: Datapoint[];
  refId?: string;
}

export type ColumnType = 'string' | 'number' | 'time' | 'boolean';

export interface TableColumn {
  text: string;
  type: ColumnType;
}

export type Cell = string | number | boolean | null;

export interface Table {
  type: 'table';
  columns: TableColumn[];
  rows: Cell[][];
  refId?: string;
}

export type FieldType = 'time' | 'number' | 'string' | 'boolean' | 'other';

export interface FieldConfig {
  displayName?: string;
  unit?: string;
  description?: string;
  min?: number;
  max?: number;
  decimals?: number;
}

export interface Field {
  name: string;
  type: FieldType;
  values: unknown[];
  labels?: Record<string, string>;
  config?: FieldConfig;
}

export interface FrameMeta {
  /** Grafana's DataFrameType, e.g. `heatmap-rows`, `timeseries-wide`. */
  type?: string;
  /** Only this plugin's own hints (e.g. how open bins were placed); Grafana ignores it. */
  custom?: Record<string, unknown>;
  /** Shown to the user in the panel inspector. */
  notices?: Array<{ severity: 'info' | 'warning' | 'error'; text: string }>;
}

export interface DataFrame {
  name?: string;
  refId?: string;
  meta?: FrameMeta;
  fields: Field[];
}

export type QueryResult = TimeSeries | Table | DataFrame;

export function timeSeries(target: string, datapoints: Datapoint[]): TimeSeries {
  return { target, datapoints };
}

export function table(columns: Array<[string, ColumnType]>, rows: Cell[][]): Table {
  return { type: 'table', columns: columns.map(([text, type]) => ({ text, type })), rows };
}

export function field(
  name: string,
  type: FieldType,
  values: unknown[],
  extra: { labels?: Record<string, string>; config?: FieldConfig } = {},
): Field {
  return { name, type, values, ...extra };
}

export function frame(name: string, fields: Field[], meta?: FrameMeta): DataFrame {
  return meta ? { name, meta, fields } : { name, fields };
}

/** Every result of one target carries its refId, so Grafana files it under the right query. */
export function withRefId<T extends QueryResult>(results: T[], refId: string | undefined): T[] {
  return refId === undefined ? results : results.map((r) => ({ ...r, refId }));
}
