/**
 * Everything this package generates, as file contents: the four dashboards, their layout
 * pictures for the docs, and the alert rules.
 * Output goes through the repository's Prettier settings, so `npm run format` leaves it as it is
 * and the "committed equals generated" test keeps meaning something.
 */
import { join } from 'node:path';
import * as prettier from 'prettier';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { stringify } from 'yaml';
import { alertRulesFile } from './alerting';
import type { DashboardName } from './constants';
import { detailsDashboard } from './details';
import { experimentsDashboard } from './experiments';
import { ALERT_RULES_FILE, DASHBOARD_FILES, layoutImage, REPO_ROOT } from './files';
import { overviewDashboard } from './overview';
import { performanceDashboard } from './performance';
import { wireframe } from './wireframe';

const DASHBOARD_BUILDERS = {
  overview: overviewDashboard,
  details: detailsDashboard,
  performance: performanceDashboard,
  experiments: experimentsDashboard,
} satisfies Record<DashboardName, () => Dashboard>;

export interface GeneratedFile {
  /** Relative to the repository root. */
  path: string;
  content: string;
}

const RULES_HEADER = [
  'Grafana-managed alert rules on the Prometheus series of the Driftwatch proxy.',
  'Generated from dashboards/src/alerting.ts by `npm run build -w dashboards`: edit that file, not this one.',
].join('\n');

async function formatted(path: string, text: string): Promise<string> {
  const absolute = join(REPO_ROOT, path);
  const config = (await prettier.resolveConfig(absolute)) ?? {};
  return prettier.format(text, { ...config, filepath: absolute });
}

/** `grafanaUrl`: the base of the alert rules' links (see runbookUrl in alerting.ts). */
export async function renderAll(grafanaUrl?: string): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [];
  for (const [name, build] of Object.entries(DASHBOARD_BUILDERS) as Array<[DashboardName, () => Dashboard]>) {
    const path = DASHBOARD_FILES[name];
    const dashboard = build();
    files.push({ path, content: await formatted(path, JSON.stringify(dashboard, null, 2)) });
    files.push({ path: layoutImage(name), content: wireframe(dashboard) });
  }
  const rules = `${RULES_HEADER.replace(/^/gm, '# ')}\n${stringify(alertRulesFile(grafanaUrl), { lineWidth: 0 })}`;
  files.push({ path: ALERT_RULES_FILE, content: await formatted(ALERT_RULES_FILE, rules) });
  return files;
}
