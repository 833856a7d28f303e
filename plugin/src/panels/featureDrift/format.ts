/** Number formats of the feature-drift panel (no Grafana imports: the browser test's Node side uses them too). */

/** A number for a narrow cell: 3 decimals below 100, fewer above, `–` for none. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const abs = Math.abs(v);
  if (abs !== 0 && abs < 0.001) return v.toExponential(1);
  if (abs >= 10_000) return v.toExponential(2);
  if (abs >= 100) return v.toFixed(1);
  return v.toFixed(3);
}

export function formatShare(v: number | null): string {
  return v === null ? '–' : `${(v * 100).toFixed(1)}%`;
}
