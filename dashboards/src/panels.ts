/**
 * The panel kinds the dashboards use, each preset for what the proxy answers: stats read one
 * named column of a one-row table, heat maps read `heatmap-rows` frames as they are (no
 * re-bucketing), histograms read pre-bucketed `xMin`/`xMax` frames, trends plot a numeric x field.
 * Every panel queries through the data-source variable.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  FieldColorBuilder,
  FieldColorModeId,
  MappingType,
  PanelBuilder as GenericPanelBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type DataTransformerConfig,
  type DynamicConfigValue,
  type ValueMapping,
} from '@grafana/grafana-foundation-sdk/dashboard';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as histogram from '@grafana/grafana-foundation-sdk/histogram';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as trend from '@grafana/grafana-foundation-sdk/trend';
import { DRIFT_SEVERITY_STEPS } from '@driftwatch/backend-proxy/drift-severity';
import { DATASOURCE_REF, FEATURE_DRIFT_PANEL_ID } from './constants';
import { queries } from './query';
import type { FeatureDriftOptions } from '@driftwatch/grafana-plugin/panel-options';

/** Title, help text and size (grid units: 24 wide) of every panel. */
export interface PanelLayout {
  title: string;
  description: string;
  width: number;
  height: number;
}

export type ThresholdStep = [value: number | null, color: string];

export function thresholds(...steps: ThresholdStep[]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps(steps.map(([value, color]) => ({ value, color })));
}

/** MLRun's drift colours: green, yellow, red; unknown (no reference or no data yet) and insufficient data (fewer predictions than the policy's minimum) stay neutral. */
export const DRIFT_STATUS_MAPPINGS: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: {
      NO_DRIFT: { text: 'No drift', color: 'green', index: 0 },
      POSSIBLE_DRIFT: { text: 'Possible drift', color: 'yellow', index: 1 },
      DRIFT_DETECTED: { text: 'Drift detected', color: 'red', index: 2 },
      UNKNOWN: { text: 'Unknown', color: 'text', index: 3 },
      INSUFFICIENT_DATA: { text: 'Insufficient data', color: 'text', index: 4 },
    },
  },
];

/** MLRun's thresholds on the drift score (mean of TVD and Hellinger means): possible drift at 0.5, drift at 0.7. */
export const DRIFT_SCORE_THRESHOLDS: ThresholdStep[] = [
  [null, 'green'],
  [0.5, 'yellow'],
  [0.7, 'red'],
];

/** Drift severity (a feature's deciding measure over its policy threshold): yellow approaching the threshold, red at it. */
export const DRIFT_SEVERITY_THRESHOLDS: ThresholdStep[] = [
  [null, 'green'],
  [DRIFT_SEVERITY_STEPS.approaching, 'yellow'],
  [DRIFT_SEVERITY_STEPS.atThreshold, 'red'],
];

export const ACCURACY_THRESHOLDS: ThresholdStep[] = [
  [null, 'red'],
  [0.8, 'yellow'],
  [0.9, 'green'],
];

/** One field's display settings in a table or stat, as an override of that field only. */
export interface FieldOverride {
  displayName?: string;
  unit?: string;
  decimals?: number;
  width?: number;
  mappings?: ValueMapping[];
  thresholds?: ThresholdStep[];
  /** Colour the cell's background from the mappings or thresholds. */
  colorBackground?: boolean;
  /** Shown for a null value (e.g. too few predictions to measure). */
  noValue?: string;
  links?: Array<{ title: string; url: string }>;
}

function overrideProperties(o: FieldOverride): DynamicConfigValue[] {
  const properties: DynamicConfigValue[] = [];
  if (o.displayName !== undefined) properties.push({ id: 'displayName', value: o.displayName });
  if (o.unit !== undefined) properties.push({ id: 'unit', value: o.unit });
  if (o.decimals !== undefined) properties.push({ id: 'decimals', value: o.decimals });
  if (o.width !== undefined) properties.push({ id: 'custom.width', value: o.width });
  if (o.mappings !== undefined) properties.push({ id: 'mappings', value: o.mappings });
  if (o.thresholds !== undefined)
    properties.push({ id: 'thresholds', value: thresholds(...o.thresholds).build() });
  if (o.colorBackground) {
    properties.push({
      id: 'custom.cellOptions',
      value: { type: common.TableCellDisplayMode.ColorBackground },
    });
    if (o.thresholds !== undefined)
      properties.push({ id: 'color', value: { mode: FieldColorModeId.Thresholds } });
  }
  if (o.noValue !== undefined) properties.push({ id: 'noValue', value: o.noValue });
  if (o.links !== undefined) properties.push({ id: 'links', value: o.links });
  return properties;
}

/** Properties common to every panel: title, help, size and the data-source variable. */
function place<
  B extends {
    title(t: string): B;
    description(d: string): B;
    span(w: number): B;
    height(h: number): B;
    datasource(d: typeof DATASOURCE_REF): B;
  },
>(builder: B, layout: PanelLayout): B {
  return builder
    .title(layout.title)
    .description(layout.description)
    .span(layout.width)
    .height(layout.height)
    .datasource({ ...DATASOURCE_REF });
}

// ------------------------------------------------------------------ stat

export interface StatOptions {
  /** The numeric column shown; the proxy's answer is a table and a stat reduces one field of it. */
  field: string;
  unit: string;
  decimals?: number;
  thresholds?: ThresholdStep[];
  mappings?: ValueMapping[];
  noValue?: string;
}

/** Matches exactly one field by name, as reduceOptions.fields expects a regular expression. */
const exactField = (name: string) => `/^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$/`;

export function statPanel(layout: PanelLayout, target: string, options: StatOptions): stat.PanelBuilder {
  const builder = place(new stat.PanelBuilder(), layout)
    .targets(queries(target))
    .reduceOptions(
      new common.ReduceDataOptionsBuilder()
        .values(false)
        .calcs(['lastNotNull'])
        .fields(exactField(options.field)),
    )
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(
      options.thresholds || options.mappings
        ? common.BigValueColorMode.Background
        : common.BigValueColorMode.None,
    )
    .textMode(common.BigValueTextMode.Value)
    .unit(options.unit)
    .noValue(options.noValue ?? 'No data');
  if (options.decimals !== undefined) builder.decimals(options.decimals);
  if (options.thresholds)
    builder
      .thresholds(thresholds(...options.thresholds))
      .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.Thresholds));
  if (options.mappings)
    builder
      .mappings(options.mappings)
      .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.Thresholds))
      .thresholds(thresholds([null, 'text']));
  return builder;
}

/** Several numeric columns of one row side by side (e.g. TVD, Hellinger and KLD, sums and means). */
export function multiStatPanel(
  layout: PanelLayout,
  target: string,
  fields: Record<string, FieldOverride>,
  unit: string,
): stat.PanelBuilder {
  const builder = place(new stat.PanelBuilder(), layout)
    .targets(queries(target))
    .reduceOptions(
      new common.ReduceDataOptionsBuilder()
        .values(false)
        .calcs(['lastNotNull'])
        .fields(`/^(${Object.keys(fields).join('|')})$/`),
    )
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.None)
    .textMode(common.BigValueTextMode.ValueAndName)
    .unit(unit)
    .decimals(3)
    .noValue('No data');
  for (const [name, override] of Object.entries(fields))
    builder.overrideByName(name, overrideProperties(override));
  return builder;
}

// ------------------------------------------------------------------ table

export interface TableOptions {
  /** Per column: display name, unit, colours, links. Columns not named here show as they come. */
  columns?: Record<string, FieldOverride>;
  /** Every numeric column, for tables whose columns are data (one per feature): colours, decimals. */
  numberColumns?: FieldOverride;
  transformations?: DataTransformerConfig[];
  sortBy?: { column: string; desc: boolean };
}

export function tablePanel(
  layout: PanelLayout,
  targets: string[],
  options: TableOptions = {},
): table.PanelBuilder {
  const builder = place(new table.PanelBuilder(), layout)
    .targets(queries(...targets))
    .cellHeight(common.TableCellHeight.Sm)
    .filterable(true);
  if (options.numberColumns) builder.overrideByFieldType('number', overrideProperties(options.numberColumns));
  for (const [name, override] of Object.entries(options.columns ?? {}))
    builder.overrideByName(name, overrideProperties(override));
  for (const t of options.transformations ?? []) builder.withTransformation(t);
  if (options.sortBy)
    builder.sortBy([
      new common.TableSortByFieldStateBuilder().displayName(options.sortBy.column).desc(options.sortBy.desc),
    ]);
  return builder;
}

/** Joins several tables of one panel into one on a shared column (e.g. endpoint_id). */
export const joinTables = (column: string): DataTransformerConfig => ({
  id: 'joinByField',
  options: { byField: column, mode: 'inner' },
});

/** Hides, orders and renames columns; names are the proxy's column names. */
export function organizeColumns(
  order: string[],
  hide: string[] = [],
  rename: Record<string, string> = {},
): DataTransformerConfig {
  return {
    id: 'organize',
    options: {
      excludeByName: Object.fromEntries(hide.map((name) => [name, true])),
      indexByName: Object.fromEntries(order.map((name, i) => [name, i])),
      renameByName: rename,
    },
  };
}

// ------------------------------------------------------------------ time series

export interface TimeSeriesOptions {
  unit: string;
  style?: 'line' | 'bars' | 'points';
  min?: number;
  max?: number;
  /** Drawn as dashed lines, e.g. drift thresholds. */
  thresholds?: ThresholdStep[];
  /** Panel minimum step, e.g. `5m`: Grafana sends it as `intervalMs`, the proxy steps by it. */
  interval?: string;
}

/** The legend every series panel shows: a list under the graph. */
const bottomListLegend = () =>
  new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(common.LegendDisplayMode.List)
    .placement(common.LegendPlacement.Bottom);

/** The tooltip every series panel shows: all series at the hovered time, largest first. */
const allSeriesTooltip = () =>
  new common.VizTooltipOptionsBuilder()
    .mode(common.TooltipDisplayMode.Multi)
    .sort(common.SortOrder.Descending);

export function timeSeriesPanel(
  layout: PanelLayout,
  targets: string[],
  options: TimeSeriesOptions,
): timeseries.PanelBuilder {
  const style = options.style ?? 'line';
  const builder = place(new timeseries.PanelBuilder(), layout)
    .targets(queries(...targets))
    .unit(options.unit)
    .legend(bottomListLegend())
    .tooltip(allSeriesTooltip())
    .drawStyle(
      style === 'bars'
        ? common.GraphDrawStyle.Bars
        : style === 'points'
          ? common.GraphDrawStyle.Points
          : common.GraphDrawStyle.Line,
    )
    .lineWidth(style === 'line' ? 2 : 1)
    .fillOpacity(style === 'bars' ? 60 : 10)
    .pointSize(style === 'points' ? 4 : 5)
    .showPoints(style === 'points' ? common.VisibilityMode.Always : common.VisibilityMode.Never)
    // Null values are steps without data: show gaps, not invented lines.
    .spanNulls(false);
  if (options.min !== undefined) builder.min(options.min);
  if (options.max !== undefined) builder.max(options.max);
  if (options.interval) builder.interval(options.interval);
  if (options.thresholds) {
    builder
      .thresholds(thresholds(...options.thresholds))
      .thresholdsStyle(
        new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed),
      );
  }
  return builder;
}

// ------------------------------------------------------------------ heat map

export interface HeatmapOptions {
  /** Unit of the cell values (the colour). */
  unit: string;
  /** `le`: rows are buckets named by their upper bound (latency); `unknown`: rows are names (endpoints). */
  layout: common.HeatmapCellLayout;
  /** Unit of the y axis when rows are numeric buckets. */
  yUnit?: string;
  interval: string;
  scheme: string;
}

export function heatmapPanel(
  layout: PanelLayout,
  target: string,
  options: HeatmapOptions,
): heatmap.PanelBuilder {
  const yAxis = new heatmap.YAxisConfigBuilder().axisPlacement(common.AxisPlacement.Left);
  if (options.yUnit) yAxis.unit(options.yUnit);
  return (
    place(new heatmap.PanelBuilder(), layout)
      .targets(queries(target))
      .interval(options.interval)
      // The proxy sends finished buckets (`heatmap-rows`); re-bucketing them would count buckets, not predictions.
      .calculate(false)
      .rowsFrame(new heatmap.RowsHeatmapOptionsBuilder().layout(options.layout))
      .yAxis(yAxis)
      .color(
        new heatmap.HeatmapColorOptionsBuilder()
          .mode(heatmap.HeatmapColorMode.Scheme)
          .scheme(options.scheme)
          .steps(64)
          .exponent(0.5)
          .fill('dark-orange'),
      )
      .cellValues(new heatmap.CellValuesBuilder().unit(options.unit))
      .cellGap(1)
      .showValue(common.VisibilityMode.Never)
      .tooltip(
        new heatmap.HeatmapTooltipBuilder()
          .mode(common.TooltipDisplayMode.Single)
          .yHistogram(false)
          .showColorScale(true),
      )
      .showLegend()
  );
}

// ------------------------------------------------------------------ histogram

/**
 * Expected vs actual shares on the reference's bins. One frame per panel: Grafana's histogram
 * panel uses `xMin`/`xMax` buckets as they are only when it gets a single frame.
 */
export function histogramPanel(layout: PanelLayout, target: string): histogram.PanelBuilder {
  return place(new histogram.PanelBuilder(), layout)
    .targets(queries(target))
    .unit('percentunit')
    .fillOpacity(45)
    .lineWidth(1)
    .combine(false)
    .legend(bottomListLegend())
    .overrideByName('expected', [
      { id: 'color', value: { mode: FieldColorModeId.Fixed, fixedColor: 'blue' } },
    ])
    .overrideByName('actual', [
      { id: 'color', value: { mode: FieldColorModeId.Fixed, fixedColor: 'orange' } },
    ]);
}

// ------------------------------------------------------------------ trend (numeric x axis)

export function trendPanel(
  layout: PanelLayout,
  target: string,
  xField: string,
  unit: string,
): trend.PanelBuilder {
  return place(new trend.PanelBuilder(), layout)
    .targets(queries(target))
    .xField(xField)
    .unit(unit)
    .lineWidth(2)
    .showPoints(common.VisibilityMode.Always)
    .pointSize(5)
    .legend(bottomListLegend())
    .tooltip(allSeriesTooltip());
}

// ------------------------------------------------------------------ the plugin's feature-drift panel

/**
 * The plugin's panel merges, by `feature_name`, every feature table it gets (query A: all drift
 * measures and each feature's status; B: expected vs actual statistics) and draws each feature's
 * pre-bucketed histogram frame (C) next to it.
 */
export function featureDriftPanel(
  layout: PanelLayout,
  targets: { measures: string; statistics: string; histograms: string },
  options: FeatureDriftOptions,
): GenericPanelBuilder {
  return place(new GenericPanelBuilder().type(FEATURE_DRIFT_PANEL_ID), layout)
    .targets(queries(targets.measures, targets.statistics, targets.histograms))
    .options({ ...options });
}
