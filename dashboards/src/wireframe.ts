/**
 * A dashboard's layout as an SVG wireframe for the docs: each panel where Grafana places it, with
 * its title, panel type and the proxy targets it queries. Drawn from the generated JSON, so it
 * cannot drift from the dashboards; it is a layout, not a screenshot of Grafana.
 */
import type { Dashboard, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';
import { FEATURE_DRIFT_PANEL_ID } from './constants';

const COLUMN = 50;
const ROW = 28;
const WIDTH = 24 * COLUMN;
const GAP = 4;
const FILL: Record<string, string> = {
  stat: '#e8f1fb',
  table: '#eef7ee',
  timeseries: '#fdf3e6',
  heatmap: '#fbe9e7',
  histogram: '#f3e8fb',
  trend: '#fdf3e6',
  [FEATURE_DRIFT_PANEL_ID]: '#fff8d6',
};

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Keys that change what a target answers, worth showing next to its name. */
const SHOWN_KEYS = ['metric', 'stat', 'step', 'by'];

/** `heatmap (metric=errors)`, ... for each query of the panel. */
function targetsOf(panel: Panel): string {
  const described = (panel.targets ?? []).map((t) => {
    const pairs = ((t as unknown as { target?: string }).target ?? '')
      .split(';')
      .map((pair) => pair.split('='));
    const name = pairs.find(([key]) => key === 'target_endpoint')?.[1] ?? '?';
    const shown = pairs.filter(([key]) => SHOWN_KEYS.includes(key)).map((pair) => pair.join('='));
    return shown.length ? `${name} (${shown.join(', ')})` : name;
  });
  return [...new Set(described)].join(', ');
}

/** Cuts text to about what fits `width` pixels at `charWidth` per character. */
const fit = (text: string, width: number, charWidth: number) => {
  const max = Math.max(4, Math.floor((width - 16) / charWidth));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

function box(panel: Panel | RowPanel): string {
  const grid = panel.gridPos ?? { x: 0, y: 0, w: 24, h: 1 };
  const x = grid.x * COLUMN + GAP / 2;
  const y = grid.y * ROW + GAP / 2;
  const w = grid.w * COLUMN - GAP;
  const h = grid.h * ROW - GAP;
  if (panel.type === 'row') {
    return `<text x="${x + 4}" y="${y + 19}" font-size="15" font-weight="bold" fill="#333">${escapeXml(panel.title ?? '')}</text>`;
  }
  const p = panel as Panel;
  const repeat = p.repeat ? ` · one per $${p.repeat}` : '';
  const type = p.type === FEATURE_DRIFT_PANEL_ID ? 'feature-drift panel (plugin)' : p.type;
  return [
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="4" fill="${FILL[p.type] ?? '#f4f4f4'}" stroke="#9aa4b1"/>`,
    `<text x="${x + 8}" y="${y + 18}" font-size="13" font-weight="bold" fill="#1f2933">${escapeXml(fit(p.title ?? '', w, 8))}</text>`,
    `<text x="${x + 8}" y="${y + 34}" font-size="11" fill="#52606d">${escapeXml(fit(type + repeat, w, 6))}</text>`,
    h > 50
      ? `<text x="${x + 8}" y="${y + 49}" font-size="11" fill="#52606d" font-family="monospace">${escapeXml(fit(targetsOf(p), w, 7))}</text>`
      : '',
  ].join('');
}

export function wireframe(dashboard: Dashboard): string {
  const panels = dashboard.panels ?? [];
  const bottom = Math.max(...panels.map((p) => (p.gridPos?.y ?? 0) + (p.gridPos?.h ?? 1)));
  const variables = (dashboard.templating.list ?? []).map((v) => `$${v.name}`).join('  ');
  const height = bottom * ROW + 40;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="4" y="20" font-size="17" font-weight="bold" fill="#1f2933">${escapeXml(dashboard.title ?? '')}</text>`,
    `<text x="${WIDTH - 4}" y="20" font-size="12" text-anchor="end" fill="#52606d">variables: ${escapeXml(variables)}</text>`,
    `<g transform="translate(0, 32)">`,
    ...panels.map(box),
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}
