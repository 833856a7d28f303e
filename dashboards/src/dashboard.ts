/** What every Driftwatch dashboard shares: uid, tags, links to the others, time settings, panel ids. */
import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  type Dashboard,
  type Panel,
  type RowPanel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DASHBOARD_TAG, DASHBOARD_UIDS, DATASOURCE_REF, type DashboardName } from './constants';
import { DriftwatchQueryBuilder, targetString, type TargetParams } from './query';

export interface DashboardSettings {
  title: string;
  description: string;
  /** Default time range, e.g. `now-6h`. */
  from: string;
  refresh: string;
}

export function newDashboard(name: DashboardName, settings: DashboardSettings): DashboardBuilder {
  return new DashboardBuilder(settings.title)
    .uid(DASHBOARD_UIDS[name])
    .description(settings.description)
    .tags([DASHBOARD_TAG])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .timezone('browser')
    .time({ from: settings.from, to: 'now' })
    .refresh(settings.refresh)
    .link(
      new DashboardLinkBuilder('Driftwatch')
        .type(DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAG])
        .asDropdown(true)
        .icon('external link')
        .tooltip('Other Driftwatch dashboards')
        .url('')
        .includeVars(true)
        .keepTime(true)
        .targetBlank(false),
    );
}

/**
 * The finished JSON: panels numbered in layout order (Grafana keys panel state, links and
 * repeats by id, so ids must be unique and stable across regenerations).
 */
export function finish(builder: DashboardBuilder): Dashboard {
  const dashboard = builder.build();
  let id = 1;
  const number = (panel: Panel | RowPanel) => {
    panel.id = id++;
    if (panel.type === 'row') for (const inner of (panel as RowPanel).panels) number(inner);
  };
  for (const panel of dashboard.panels ?? []) number(panel);
  // The SDK defaults annotation toggles into the controls menu; keep them visible next to the variables.
  for (const annotation of dashboard.annotations.list ?? []) delete annotation.placement;
  return dashboard;
}

/** A Grafana link to a dashboard with variables set; `extra` is appended as it is (e.g. `${__url_time_range}`). */
export function dashboardUrl(
  name: DashboardName,
  variables: Record<string, string>,
  extra = '${__url_time_range}',
): string {
  const query = Object.entries(variables).map(([key, value]) => `var-${key}=${value}`);
  return `/d/${DASHBOARD_UIDS[name]}?${[...query, extra].join('&')}`;
}

/** Markers of the selected endpoints (drift status changes, alerts, reference changes, first traffic) on every time series. */
export function monitoringEventsAnnotation(params: TargetParams): AnnotationQueryBuilder {
  return new AnnotationQueryBuilder()
    .name('Drift status changes and alerts')
    .datasource({ ...DATASOURCE_REF })
    .enable(true)
    .iconColor('orange')
    .target(new DriftwatchQueryBuilder('Annotations', targetString('annotations', params)));
}
