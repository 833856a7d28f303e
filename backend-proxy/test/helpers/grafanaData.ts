import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface PlainField {
  name: string;
  type: string;
  values: unknown[];
  labels?: Record<string, string>;
  config?: Record<string, unknown>;
}

export interface Converted {
  /** What @grafana/data's toDataFrame made of the item. */
  frame: {
    name?: string;
    refId?: string;
    meta?: { type?: string; custom?: Record<string, unknown> };
    length: number;
    fields: PlainField[];
  };
  /** What @grafana/data's getHistogramFields (used by the histogram panel) finds in that frame. */
  histogram: { xMin: PlainField; xMax: PlainField; counts: PlainField[] } | null;
}

export interface GrafanaDataResult {
  converted: Converted[];
  /** @grafana/data's DataFrameType.HeatmapRows. */
  heatmapRows: string;
  fieldTypes: Record<string, string>;
}

/**
 * Converts answers with the real @grafana/data (12.x), in a child Node process: Jest cannot load
 * the ES modules it depends on, plain Node can.
 */
export function withGrafanaData(items: unknown[]): Promise<GrafanaDataResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [join(__dirname, 'grafanaDataWorker.cjs')],
      { maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`@grafana/data worker failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as GrafanaDataResult);
      },
    );
    child.stdin?.end(JSON.stringify({ items }));
  });
}
