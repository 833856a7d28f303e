import { css, cx } from '@emotion/css';
import type { GrafanaTheme2, PanelProps } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { useEffect, useMemo, useState, type UIEvent } from 'react';
import { MiniHistogram, type HoveredBin } from './components/MiniHistogram';
import { buildModel, formatNumber, formatShare, sortRows, sortValue } from './model';
import type { DriftStatus, FeatureDriftOptions, FeatureRow, SortDirection } from './types';

export type FeatureDriftPanelProps = PanelProps<FeatureDriftOptions>;

const MEASURE_LABELS: Record<string, string> = {
  tvd: 'TVD',
  hellinger: 'Hellinger',
  kld: 'KLD',
  kl: 'KL',
  psi: 'PSI',
  js: 'JS',
  ks: 'KS',
  ks_p_value: 'KS p',
  wasserstein: 'Wasserstein',
  chi2: 'χ²',
  chi2_p_value: 'χ² p',
};
const STATUS_TEXT: Record<DriftStatus, string> = {
  NO_DRIFT: 'No drift',
  POSSIBLE_DRIFT: 'Possible drift',
  DRIFT_DETECTED: 'Drift',
  INSUFFICIENT_DATA: 'Too few',
  UNKNOWN: 'Unknown',
};
const STAT_COLUMNS = ['min', 'mean', 'max'] as const;
const LEGEND_HEIGHT = 28;
const HEADER_HEIGHT = 52;
const OVERSCAN = 6;

export const measureLabel = (m: string) => MEASURE_LABELS[m] ?? m;

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    position: 'relative',
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.primary,
  }),
  legend: css({
    height: LEGEND_HEIGHT,
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
    color: theme.colors.text.secondary,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
  }),
  swatch: css({
    display: 'inline-block',
    width: 10,
    height: 10,
    marginRight: theme.spacing(0.5),
    borderRadius: 2,
    verticalAlign: 'middle',
  }),
  scroller: css({ overflow: 'auto' }),
  table: css({
    borderCollapse: 'separate',
    borderSpacing: 0,
    width: '100%',
    fontVariantNumeric: 'tabular-nums',
  }),
  th: css({
    position: 'sticky',
    background: theme.colors.background.primary,
    color: theme.colors.text.secondary,
    fontWeight: theme.typography.fontWeightMedium,
    textAlign: 'right',
    padding: theme.spacing(0.5, 1),
    borderBottom: `1px solid ${theme.colors.border.medium}`,
    whiteSpace: 'nowrap',
    zIndex: 1,
  }),
  group: css({
    top: 0,
    height: HEADER_HEIGHT / 2,
    textAlign: 'center',
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  columns: css({ top: HEADER_HEIGHT / 2, height: HEADER_HEIGHT / 2 }),
  left: css({ textAlign: 'left' }),
  sort: css({
    background: 'none',
    border: 'none',
    color: 'inherit',
    font: 'inherit',
    cursor: 'pointer',
    padding: 0,
    '&:hover': { color: theme.colors.text.primary },
  }),
  active: css({ color: theme.colors.text.primary }),
  td: css({
    padding: theme.spacing(0, 1),
    textAlign: 'right',
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    whiteSpace: 'nowrap',
  }),
  row: css({ '&:hover': { background: theme.colors.action.hover } }),
  selected: css({ background: theme.colors.action.selected }),
  name: css({
    background: 'none',
    border: 'none',
    padding: 0,
    font: 'inherit',
    color: theme.colors.text.link,
    cursor: 'pointer',
    textAlign: 'left',
    maxWidth: 220,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    '&:hover': { textDecoration: 'underline' },
  }),
  tag: css({
    marginLeft: theme.spacing(0.5),
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  pill: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    fontWeight: theme.typography.fontWeightMedium,
  }),
  dot: css({ width: 10, height: 10, borderRadius: '50%', display: 'inline-block' }),
  empty: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    height: '100%',
    color: theme.colors.text.secondary,
    textAlign: 'center',
    padding: theme.spacing(2),
  }),
  tooltip: css({
    position: 'absolute',
    pointerEvents: 'none',
    zIndex: 2,
    background: theme.colors.background.elevated ?? theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.medium}`,
    boxShadow: theme.shadows.z2,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(0.75, 1),
    whiteSpace: 'nowrap',
    color: theme.colors.text.primary,
  }),
});

interface Column {
  key: string;
  label: string;
  group: 'feature' | 'histogram' | 'expected' | 'actual' | 'measures';
  align?: 'left';
}

/** "3 features", or "3 features in 2 segments" when the rows span segments. */
function countText(rows: FeatureRow[]): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const features = plural(new Set(rows.map((r) => r.name)).size, 'feature');
  const segments = new Set(rows.flatMap((r) => (r.segment === undefined ? [] : [r.segment]))).size;
  return segments > 0 ? `${features} in ${plural(segments, 'segment')}` : features;
}

/**
 * One row per feature: expected vs actual mini-histograms on the same bins, expected and actual
 * min/mean/max, every drift measure the queries return and the status colour. Sortable by any
 * column; hovering a bin shows it with both shares; clicking a feature sets the dashboard
 * variable (`$feature` by default). Only the rows in view are rendered, so hundreds of features scroll smoothly.
 */
export function FeatureDriftPanel({
  data,
  options,
  width,
  height,
  replaceVariables,
}: FeatureDriftPanelProps) {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  const [sort, setSort] = useState<{ key: string; direction: SortDirection }>({
    key: options.sortBy || 'tvd',
    direction: options.sortDirection ?? 'desc',
  });
  // The panel editor's sort options apply to a mounted panel too; a header click sorts until they change.
  useEffect(
    () => setSort({ key: options.sortBy || 'tvd', direction: options.sortDirection ?? 'desc' }),
    [options.sortBy, options.sortDirection],
  );
  const [scrollTop, setScrollTop] = useState(0);
  const [hovered, setHovered] = useState<HoveredBin | null>(null);

  const model = useMemo(
    () => buildModel(data.series, { showPredictions: options.showPredictions, measures: options.measures }),
    [data.series, options.showPredictions, options.measures],
  );
  const sortKey = sort.key === 'tvd' && !model.measures.includes('tvd') ? 'name' : sort.key;
  const rows = useMemo(
    () => sortRows(model.rows, sortKey, sortKey === 'name' && sort.key !== 'name' ? 'asc' : sort.direction),
    [model.rows, sortKey, sort],
  );

  const variable = (options.variable || 'feature').replace(/^\$/, '');
  const current = replaceVariables(`$${variable}`);
  const selected = current === `$${variable}` ? null : current;

  const colors = {
    expected: theme.visualization.getColorByName('blue'),
    actual: theme.visualization.getColorByName('orange'),
    status: {
      NO_DRIFT: theme.visualization.getColorByName('green'),
      POSSIBLE_DRIFT: theme.visualization.getColorByName('yellow'),
      DRIFT_DETECTED: theme.visualization.getColorByName('red'),
      INSUFFICIENT_DATA: theme.colors.text.disabled,
      UNKNOWN: theme.colors.text.disabled,
    } as Record<DriftStatus, string>,
    hover: theme.colors.action.hover,
  };

  if (rows.length === 0) {
    const message =
      data.series.length === 0
        ? 'No data: pick an endpoint with a reference and predictions in this time range.'
        : 'No feature drift in the query results. Query feature_drift, individual_feature_analysis and/or feature_histogram for one endpoint.';
    return (
      <div className={s.root} style={{ width, height }} data-feature-drift-panel>
        <div className={s.empty} data-testid="feature-drift-empty">
          {message}
        </div>
      </div>
    );
  }

  const columns: Column[] = [
    { key: 'name', label: 'Feature', group: 'feature', align: 'left' },
    { key: 'status', label: 'Status', group: 'feature', align: 'left' },
    ...(model.hasHistograms
      ? [{ key: 'shift', label: 'Expected vs actual', group: 'histogram' as const, align: 'left' as const }]
      : []),
    ...(model.hasStats
      ? (['expected', 'actual'] as const).flatMap((side) =>
          STAT_COLUMNS.map((stat) => ({ key: `${side}_${stat}`, label: stat, group: side })),
        )
      : []),
    ...model.measures.map((m) => ({ key: m, label: measureLabel(m), group: 'measures' as const })),
  ];
  const groups = columns.reduce<Array<{ group: Column['group']; span: number }>>((out, c) => {
    const last = out[out.length - 1];
    if (last && last.group === c.group) last.span += 1;
    else out.push({ group: c.group, span: 1 });
    return out;
  }, []);
  const GROUP_LABELS: Record<Column['group'], string> = {
    feature: '',
    histogram: 'Histogram (same bins)',
    expected: 'Expected (reference)',
    actual: 'Actual (range)',
    measures: 'Drift measures',
  };

  const rowHeight = Math.max(24, options.rowHeight || 44);
  const histogramHeight = rowHeight - 10;
  const histogramWidth = Math.round(Math.min(220, Math.max(96, width * 0.18)));
  const bodyHeight = Math.max(rowHeight, height - LEGEND_HEIGHT);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + bodyHeight) / rowHeight) + OVERSCAN);
  const visible = rows.slice(first, last);

  const onSort = (key: string) =>
    setSort((prev) =>
      prev.key === key
        ? { key, direction: prev.direction === 'asc' ? 'desc' : 'asc' }
        : { key, direction: key === 'name' ? 'asc' : 'desc' },
    );
  const onPick = (row: FeatureRow) => locationService.partial({ [`var-${variable}`]: row.name }, true);

  const cell = (row: FeatureRow, c: Column) => {
    switch (c.key) {
      case 'name':
        return (
          <>
            <button
              type="button"
              className={s.name}
              title={`Set $${variable} to ${row.name}`}
              onClick={() => onPick(row)}
            >
              {row.name}
            </button>
            {row.segment !== undefined && <span className={s.tag}>{row.segment}</span>}
            {row.column !== 'feature' && <span className={s.tag}>{row.column}</span>}
          </>
        );
      case 'status':
        return (
          <span className={s.pill} title={row.why}>
            <span className={s.dot} style={{ background: colors.status[row.status] }} />
            {STATUS_TEXT[row.status]}
          </span>
        );
      case 'shift':
        return (
          <MiniHistogram
            feature={row.id}
            bins={row.bins}
            width={histogramWidth}
            height={histogramHeight}
            expectedColor={colors.expected}
            actualColor={colors.actual}
            hoverColor={colors.hover}
            hovered={hovered && hovered.feature === row.id ? hovered.index : null}
            onHover={setHovered}
          />
        );
      default:
        // Statistics and measures: the value it sorts by, formatted.
        return formatNumber(sortValue(row, c.key) as number | null);
    }
  };

  return (
    <div className={s.root} style={{ width, height }} data-feature-drift-panel>
      <div className={s.legend}>
        {model.hasHistograms && (
          <>
            <span>
              <span className={s.swatch} style={{ background: colors.expected }} />
              expected
            </span>
            <span>
              <span className={s.swatch} style={{ background: colors.actual }} />
              actual
            </span>
          </>
        )}
        <span data-testid="feature-count">{countText(rows)}</span>
        <span>click a feature to set ${variable}</span>
      </div>
      <div
        className={s.scroller}
        style={{ height: bodyHeight }}
        onScroll={(e: UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop)}
        data-testid="feature-drift-scroll"
      >
        <table className={s.table} data-testid="feature-drift-table">
          <thead>
            <tr>
              {groups.map((g, i) => (
                <th key={i} colSpan={g.span} className={cx(s.th, s.group)}>
                  {GROUP_LABELS[g.group]}
                </th>
              ))}
            </tr>
            <tr>
              {columns.map((c) => {
                const active = sortKey === c.key;
                const direction = active ? (sortKey === sort.key ? sort.direction : 'asc') : undefined;
                return (
                  <th
                    key={c.key}
                    className={cx(s.th, s.columns, c.align === 'left' && s.left, active && s.active)}
                    aria-sort={
                      direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none'
                    }
                  >
                    <button
                      type="button"
                      className={s.sort}
                      onClick={() => onSort(c.key)}
                      title={
                        c.key === 'shift' ? 'Sort by the largest change of a bin share' : `Sort by ${c.label}`
                      }
                    >
                      {c.label}
                      {direction === 'asc' ? ' ▲' : direction === 'desc' ? ' ▼' : ''}
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {first > 0 && <tr style={{ height: first * rowHeight }} aria-hidden />}
            {visible.map((row) => (
              <tr
                key={row.id}
                className={cx(s.row, row.name === selected && s.selected)}
                style={{ height: rowHeight }}
                data-testid={`feature-row-${row.id}`}
              >
                {columns.map((c) => (
                  <td
                    key={c.key}
                    className={cx(s.td, c.align === 'left' && s.left)}
                    data-testid={`cell-${row.id}-${c.key}`}
                  >
                    {cell(row, c)}
                  </td>
                ))}
              </tr>
            ))}
            {last < rows.length && <tr style={{ height: (rows.length - last) * rowHeight }} aria-hidden />}
          </tbody>
        </table>
      </div>
      {hovered && (
        <div
          className={s.tooltip}
          style={{ left: Math.min(hovered.x + 12, Math.max(0, width - 220)), top: hovered.y + 12 }}
          data-testid="feature-drift-tooltip"
          role="tooltip"
        >
          <div>
            <b>{hovered.feature}</b> · bin {hovered.bin.label}
          </div>
          <div>
            <span className={s.swatch} style={{ background: colors.expected }} />
            expected {formatShare(hovered.bin.expected)}
          </div>
          <div>
            <span className={s.swatch} style={{ background: colors.actual }} />
            actual {formatShare(hovered.bin.actual)}
          </div>
        </div>
      )}
    </div>
  );
}
