/** Where the generated files live, relative to the repository root. */
import { resolve } from 'node:path';
import type { DashboardName } from './constants';

export const REPO_ROOT = resolve(__dirname, '..', '..');

/** The dashboard files: file-provisioned, and shipped in the plugin package under the same `dashboards/` paths. */
export const DASHBOARD_FILES: Record<DashboardName, string> = {
  overview: 'dashboards/overview.json',
  details: 'dashboards/details.json',
  performance: 'dashboards/performance.json',
  experiments: 'dashboards/experiments.json',
};
export const ALERT_RULES_FILE = 'provisioning/alerting/rules.yaml';

/** The layout picture of a dashboard in the docs. */
export const layoutImage = (name: DashboardName) => `docs/images/dashboard-${name}.svg`;
