/**
 * Names shared by the dashboards, the provisioning files and the plugin: plugin ids, fixed data
 * source uids and dashboard uids. The proxy links alerts to `/d/driftwatch-details`, so these uids
 * are part of its contract too.
 */
import appPlugin from '@driftwatch/grafana-plugin/app.plugin.json';
import datasourcePlugin from '@driftwatch/grafana-plugin/datasource.plugin.json';
import panelPlugin from '@driftwatch/grafana-plugin/panel.plugin.json';

/** The app plugin and what it bundles: the ids are the plugin's own plugin.json files. */
export const APP_PLUGIN_ID = appPlugin.id;
export const DATASOURCE_PLUGIN_ID = datasourcePlugin.id;
export const FEATURE_DRIFT_PANEL_ID = panelPlugin.id;
export const PLUGIN_IDS = [APP_PLUGIN_ID, DATASOURCE_PLUGIN_ID, FEATURE_DRIFT_PANEL_ID] as const;

/** Fixed uids of the provisioned data sources (alert rules and links name them). */
export const DRIFTWATCH_DATASOURCE_UID = 'driftwatch';
export const PROMETHEUS_DATASOURCE_UID = 'driftwatch-prometheus';
/** Grafana's server-side expressions (reduce, math, threshold) in alert rules. */
export const EXPRESSION_DATASOURCE_UID = '__expr__';

/** The dashboards' data-source variable: every panel and template variable queries through it. */
export const DATASOURCE_VARIABLE = 'datasource';
export const DATASOURCE_REF = { type: DATASOURCE_PLUGIN_ID, uid: `\${${DATASOURCE_VARIABLE}}` };

export const DASHBOARD_UIDS = {
  overview: 'driftwatch-overview',
  details: 'driftwatch-details',
  performance: 'driftwatch-performance',
  experiments: 'driftwatch-experiments',
} as const;
export type DashboardName = keyof typeof DASHBOARD_UIDS;

/** Every dashboard carries this tag, so the dashboards link to each other through it. */
export const DASHBOARD_TAG = 'driftwatch';
