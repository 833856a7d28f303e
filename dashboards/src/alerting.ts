/**
 * Grafana-managed alert rules on the Prometheus series the proxy exports (see
 * backend-proxy/src/metrics/prometheusMetrics.ts), as Grafana's alerting provisioning file.
 * Each rule is an instant PromQL query (refId A) and a threshold on it (refId C): Grafana
 * evaluates them on its server, which a frontend data source could not do.
 */
import { DRIFT_STATUS_LEVEL } from '@driftwatch/backend-proxy/drift-status';
import { SEGMENT_DRIFT_STATUS, SEGMENT_LABELS } from '@driftwatch/backend-proxy/segment-metrics';
import { DASHBOARD_UIDS, EXPRESSION_DATASOURCE_UID, PROMETHEUS_DATASOURCE_UID } from './constants';

/** The labels of every per-endpoint series (ENDPOINT_LABELS in the proxy). */
const BY_ENDPOINT = 'project, endpoint, model, version';
/** A segment series: its endpoint's labels and the segment's key and value. */
const BY_SEGMENT = [BY_ENDPOINT, ...SEGMENT_LABELS].join(', ');
/** The job name of the proxy in prometheus/prometheus.yml. */
export const PROMETHEUS_JOB = 'driftwatch';
export const RULE_FOLDER = 'Driftwatch';
const RULE_GROUP = 'driftwatch';
/** Grafana's URL in the committed rules: the one docker-compose.yml publishes (and gives the proxy as DRIFTWATCH_GRAFANA_URL). */
export const DEFAULT_GRAFANA_URL = 'http://localhost:3000';

export type ThresholdType = 'gt' | 'lt';
type NoDataState = 'OK' | 'NoData' | 'Alerting' | 'KeepLast';

export interface AlertRuleSpec {
  uid: string;
  title: string;
  /** An instant PromQL query; every series it returns is one alert instance. */
  expr: string;
  threshold: { type: ThresholdType; value: number };
  /** How long the condition must hold before the alert fires. */
  for: string;
  severity: 'critical' | 'warning';
  category: 'drift' | 'errors' | 'latency' | 'accuracy' | 'labels' | 'traffic' | 'availability';
  summary: string;
  description: string;
  /** What a rule with no series means: nothing to alert on (OK), or a problem itself (Alerting). */
  noData: NoDataState;
  /**
   * What one alert instance is about, and so where it links: an endpoint (its Details dashboard),
   * a segment of one (Details with the segment selected), or the whole installation (the Overview).
   */
  scope: 'endpoint' | 'segment' | 'installation';
}

const endpointName = '{{ $labels.model }}:{{ $labels.version }} ({{ $labels.project }})';

const ALERT_RULES: AlertRuleSpec[] = [
  {
    uid: 'driftwatch-drift-detected',
    title: 'Driftwatch: drift detected',
    // Gated on n: only endpoints whose evaluated window held at least the policy's minimum sample
    // (below it the status is already -2, INSUFFICIENT_DATA; the gate keeps that true in PromQL).
    expr: `max by (${BY_ENDPOINT}) (driftwatch_drift_status) and on (${BY_ENDPOINT}) (max by (${BY_ENDPOINT}) (driftwatch_drift_window_predictions) >= max by (${BY_ENDPOINT}) (driftwatch_drift_min_sample))`,
    // Status 2 is DRIFT_DETECTED; 1 possible drift, 0 none, -1 unknown, -2 insufficient data.
    threshold: { type: 'gt', value: DRIFT_STATUS_LEVEL.POSSIBLE_DRIFT + 0.5 },
    for: '10m',
    severity: 'critical',
    category: 'drift',
    summary: `Drift detected on ${endpointName}`,
    description:
      'The latest drift evaluations of {{ $labels.endpoint }} have found drift for 10 minutes: under the default policy at least half of the features drifted (a significant test after the Benjamini-Hochberg correction and an effect size above its threshold), on a window of at least the minimum sample. The Details dashboard shows which features moved and why.',
    noData: 'OK',
    scope: 'endpoint',
  },
  {
    uid: 'driftwatch-segment-drift-detected',
    title: 'Driftwatch: drift detected in a segment',
    // One instance per segment; the proxy exports only the worst DRIFTWATCH_PROMETHEUS_SEGMENT_LIMIT
    // segments, and a segment below the policy's minimum sample is -2 (INSUFFICIENT_DATA), never drift.
    expr: `max by (${BY_SEGMENT}) (${SEGMENT_DRIFT_STATUS.name})`,
    threshold: { type: 'gt', value: DRIFT_STATUS_LEVEL.POSSIBLE_DRIFT + 0.5 },
    for: '10m',
    severity: 'warning',
    category: 'drift',
    summary: `Drift detected for {{ $labels.segment_key }}={{ $labels.segment }} on ${endpointName}`,
    description:
      'The latest drift evaluation of {{ $labels.endpoint }} found drift in the segment {{ $labels.segment_key }}={{ $labels.segment }} for 10 minutes, under the same policy as the endpoint (which may itself show none: one slice of traffic can drift while the rest does not). The Details dashboard opens on that segment.',
    noData: 'OK',
    scope: 'segment',
  },
  {
    uid: 'driftwatch-error-rate',
    title: 'Driftwatch: high error rate',
    // Endpoints without traffic are left out rather than divided by zero.
    expr: `sum by (${BY_ENDPOINT}) (rate(driftwatch_prediction_errors_total[5m])) / (sum by (${BY_ENDPOINT}) (rate(driftwatch_predictions_total[5m])) > 0)`,
    threshold: { type: 'gt', value: 0.05 },
    for: '5m',
    severity: 'warning',
    category: 'errors',
    summary: `More than 5% of predictions fail on ${endpointName}`,
    description:
      'Over the last 5 minutes {{ humanizePercentage $values.A.Value }} of the predictions of {{ $labels.endpoint }} reported an error.',
    noData: 'OK',
    scope: 'endpoint',
  },
  {
    uid: 'driftwatch-latency-p95',
    title: 'Driftwatch: high p95 latency',
    expr: `histogram_quantile(0.95, sum by (${BY_ENDPOINT}, le) (rate(driftwatch_prediction_latency_seconds_bucket[5m])))`,
    threshold: { type: 'gt', value: 0.5 },
    for: '10m',
    severity: 'warning',
    category: 'latency',
    summary: `p95 latency above 500 ms on ${endpointName}`,
    description:
      'The 95th percentile of model latency of {{ $labels.endpoint }} over the last 5 minutes is {{ humanizeDuration $values.A.Value }}.',
    noData: 'OK',
    scope: 'endpoint',
  },
  {
    uid: 'driftwatch-accuracy-drop',
    title: 'Driftwatch: accuracy dropped',
    expr: `max by (${BY_ENDPOINT}) (driftwatch_accuracy)`,
    threshold: { type: 'lt', value: 0.8 },
    for: '15m',
    severity: 'warning',
    category: 'accuracy',
    summary: `Accuracy below 80% on ${endpointName}`,
    description:
      'Of the predictions of {{ $labels.endpoint }} whose labels have arrived, {{ humanizePercentage $values.A.Value }} were right (latest evaluation).',
    noData: 'OK',
    scope: 'endpoint',
  },
  {
    uid: 'driftwatch-label-coverage',
    title: 'Driftwatch: label coverage low',
    // Only endpoints that receive labels at all (some in the last day): others have coverage 0 by design.
    expr: `max by (${BY_ENDPOINT}) (driftwatch_label_coverage) and on (${BY_ENDPOINT}) (max by (${BY_ENDPOINT}) (max_over_time(driftwatch_labels_received[1d])) > 0)`,
    threshold: { type: 'lt', value: 0.2 },
    for: '30m',
    severity: 'warning',
    category: 'labels',
    summary: `Fewer than 20% of the predictions of ${endpointName} are labelled`,
    description:
      'Of the predictions of {{ $labels.endpoint }} in the evaluation window, {{ humanizePercentage $values.A.Value }} have a label so far (labels arriving later than the window is long also read as low coverage; see driftwatch_label_lag_p95_seconds). Accuracy there rests on few labels.',
    noData: 'OK',
    scope: 'endpoint',
  },
  {
    uid: 'driftwatch-labels-stopped',
    title: 'Driftwatch: labels stopped',
    expr: `max by (${BY_ENDPOINT}) (driftwatch_labels_received) and on (${BY_ENDPOINT}) (max by (${BY_ENDPOINT}) (max_over_time(driftwatch_labels_received[1d])) > 0)`,
    threshold: { type: 'lt', value: 1 },
    for: '30m',
    severity: 'warning',
    category: 'labels',
    summary: `No labels received for ${endpointName}`,
    description:
      '{{ $labels.endpoint }} received labels during the last day but none in its latest evaluation window: the labelling pipeline may have stopped.',
    noData: 'OK',
    scope: 'endpoint',
  },
  {
    uid: 'driftwatch-no-predictions',
    title: 'Driftwatch: no predictions',
    // Counters start at 0 for every known endpoint, so a silent endpoint has a series with no increase.
    expr: `sum by (${BY_ENDPOINT}) (increase(driftwatch_predictions_total[15m]))`,
    threshold: { type: 'lt', value: 1 },
    for: '15m',
    severity: 'warning',
    category: 'traffic',
    summary: `No predictions for 15 minutes on ${endpointName}`,
    description:
      '{{ $labels.endpoint }} has received no predictions for 15 minutes: the model server may be down or no longer reporting to Driftwatch.',
    noData: 'OK',
    scope: 'endpoint',
  },
  {
    uid: 'driftwatch-evaluation-stale',
    title: 'Driftwatch: drift evaluation stalled',
    expr: `time() - max by (${BY_ENDPOINT}) (driftwatch_drift_evaluated_timestamp_seconds)`,
    threshold: { type: 'gt', value: 900 },
    for: '5m',
    severity: 'warning',
    category: 'drift',
    summary: `Drift of ${endpointName} not evaluated for 15 minutes`,
    description:
      'The last drift evaluation of {{ $labels.endpoint }} was {{ humanizeDuration $values.A.Value }} ago; the proxy’s evaluator (DRIFTWATCH_EVALUATION_INTERVAL_MS) may be stopped or failing.',
    noData: 'OK',
    scope: 'endpoint',
  },
  {
    uid: 'driftwatch-proxy-down',
    title: 'Driftwatch: proxy not scraped',
    expr: `min by (job) (up{job="${PROMETHEUS_JOB}"})`,
    threshold: { type: 'lt', value: 1 },
    for: '5m',
    severity: 'critical',
    category: 'availability',
    summary: 'Prometheus cannot scrape a Driftwatch proxy',
    description:
      'At least one proxy target of job {{ $labels.job }} has failed its scrapes for 5 minutes; no alert above can fire for its endpoints meanwhile.',
    // No `up` series at all means Prometheus lost the job: that is an outage too.
    noData: 'Alerting',
    scope: 'installation',
  },
];

/**
 * Where notifications link: absolute, since a link in an e-mail or a chat message has no Grafana
 * to be relative to. Grafana does not substitute environment variables in provisioned annotations,
 * so the base is written into the file when it is generated (`--grafana-url`).
 */
export function runbookUrl(rule: AlertRuleSpec, grafanaUrl: string): string {
  const details = `${grafanaUrl}/d/${DASHBOARD_UIDS.details}?var-project={{ $labels.project }}&var-endpoint={{ $labels.endpoint }}`;
  switch (rule.scope) {
    case 'endpoint':
      return details;
    case 'segment':
      // Segment values are user input (spaces, `&`): escaped for the query string.
      return `${details}&var-segment_key={{ $labels.segment_key }}&var-segment={{ $labels.segment | urlquery }}`;
    case 'installation':
      return `${grafanaUrl}/d/${DASHBOARD_UIDS.overview}`;
  }
}

/** One rule in Grafana's provisioning format (AlertRuleV1 in pkg/services/provisioning/alerting). */
function provisionedRule(rule: AlertRuleSpec, grafanaUrl: string) {
  return {
    uid: rule.uid,
    title: rule.title,
    condition: 'C',
    data: [
      {
        refId: 'A',
        // Instant queries read the latest value; the range only bounds the lookback.
        relativeTimeRange: { from: 600, to: 0 },
        datasourceUid: PROMETHEUS_DATASOURCE_UID,
        model: {
          refId: 'A',
          datasource: { type: 'prometheus', uid: PROMETHEUS_DATASOURCE_UID },
          editorMode: 'code',
          expr: rule.expr,
          instant: true,
          range: false,
          legendFormat: '__auto',
          intervalMs: 1000,
          maxDataPoints: 43200,
        },
      },
      {
        refId: 'C',
        datasourceUid: EXPRESSION_DATASOURCE_UID,
        model: {
          refId: 'C',
          datasource: { type: EXPRESSION_DATASOURCE_UID, uid: EXPRESSION_DATASOURCE_UID },
          type: 'threshold',
          expression: 'A',
          conditions: [{ evaluator: { type: rule.threshold.type, params: [rule.threshold.value] } }],
        },
      },
    ],
    noDataState: rule.noData,
    execErrState: 'Error',
    for: rule.for,
    annotations: {
      summary: rule.summary,
      description: rule.description,
      runbook_url: runbookUrl(rule, grafanaUrl),
    },
    labels: { service: 'driftwatch', severity: rule.severity, category: rule.category },
    isPaused: false,
  };
}

export function alertRulesFile(grafanaUrl: string = DEFAULT_GRAFANA_URL) {
  return {
    apiVersion: 1,
    groups: [
      {
        orgId: 1,
        name: RULE_GROUP,
        folder: RULE_FOLDER,
        interval: '1m',
        rules: ALERT_RULES.map((rule) => provisionedRule(rule, grafanaUrl)),
      },
    ],
  };
}
