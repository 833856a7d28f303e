/**
 * Overview: the devops view of every endpoint. Counts, throughput, latency and errors as of now,
 * the endpoints table (MLRun's columns, drift status coloured, names linking to Details), and
 * heat maps of throughput, latency and errors per endpoint in 15-minute buckets.
 */
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { HeatmapCellLayout } from '@grafana/grafana-foundation-sdk/common';
import { DATASOURCE_VARIABLE } from './constants';
import { dashboardUrl, finish, newDashboard } from './dashboard';
import {
  ACCURACY_THRESHOLDS,
  DRIFT_STATUS_MAPPINGS,
  heatmapPanel,
  joinTables,
  organizeColumns,
  statPanel,
  tablePanel,
} from './panels';
import { targetString } from './query';
import { ALL_FILTER, datasourceVariable, queryVariable } from './variables';

const PROJECTS = { project: '$project' };
/** MLRun's heat maps: never finer than 15 minutes (the proxy enforces the same minimum). */
const HEATMAP_STEP = '15m';

export function overviewDashboard(): Dashboard {
  const summary = targetString('endpoint_summary', PROJECTS);
  const builder = newDashboard('overview', {
    title: 'Driftwatch / Overview',
    description: 'Every monitored endpoint: throughput, latency, errors, drift status and accuracy.',
    from: 'now-6h',
    refresh: '1m',
  })
    .withVariable(datasourceVariable())
    .withVariable(
      queryVariable('project', 'projects', {}, { label: 'Project', multi: true, all: { value: ALL_FILTER } }),
    )

    .withRow(new RowBuilder('Now'))
    .withPanel(
      statPanel(
        {
          title: 'Endpoints',
          description: 'Monitored endpoints in the selected projects.',
          width: 4,
          height: 4,
        },
        targetString('endpoint_count', PROJECTS),
        { field: 'endpoints', unit: 'none', decimals: 0 },
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'Predictions/s (5-minute average)',
          description: 'Predictions per second over the last 5 minutes, all endpoints together.',
          width: 4,
          height: 4,
        },
        summary,
        { field: 'predictions_per_second', unit: 'reqps', decimals: 2 },
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'Average latency (last hour)',
          description: 'Mean model latency over every prediction of the last hour.',
          width: 4,
          height: 4,
        },
        summary,
        { field: 'latency_avg_1h_ms', unit: 'ms', decimals: 1 },
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'Errors (last hour)',
          description: 'Predictions that reported an error in the last hour.',
          width: 4,
          height: 4,
        },
        summary,
        { field: 'errors_1h', unit: 'none', decimals: 0 },
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'Error rate (last hour)',
          description: 'Errors as a share of the last hour’s predictions.',
          width: 4,
          height: 4,
        },
        summary,
        {
          field: 'error_rate_1h',
          unit: 'percentunit',
          decimals: 2,
          thresholds: [
            [null, 'green'],
            [0.01, 'yellow'],
            [0.05, 'red'],
          ],
        },
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'Endpoints drifting',
          description:
            'Endpoints whose latest evaluation found drift (MLRun’s rule: mean of TVD and Hellinger means ≥ 0.7).',
          width: 4,
          height: 4,
        },
        summary,
        {
          field: 'drift_detected',
          unit: 'none',
          decimals: 0,
          thresholds: [
            [null, 'green'],
            [1, 'red'],
          ],
        },
      ),
    )

    .withRow(new RowBuilder('Endpoints'))
    .withPanel(
      tablePanel(
        {
          title: 'Endpoints',
          description:
            'One row per endpoint (MLRun’s list). The name opens the endpoint’s Details dashboard.',
          width: 24,
          height: 10,
        },
        [targetString('list_endpoints', PROJECTS), targetString('rolling_figures', PROJECTS)],
        {
          transformations: [
            joinTables('endpoint_id'),
            organizeColumns(
              [
                'endpoint_name',
                'project',
                'endpoint_function',
                'endpoint_model',
                'endpoint_version',
                'endpoint_model_class',
                'endpoint_labels',
                'first_request',
                'last_request',
                'error_count',
                'drift_status',
                'accuracy',
                'predictions_per_second',
                'latency_avg_1h',
                'endpoint_id',
              ],
              [
                'predictions_per_second_5m',
                'predictions_5m',
                'predictions_1h',
                'errors_1h',
                'latency_avg_5m_ms',
                'latency_avg_1h_ms',
              ],
            ),
          ],
          columns: {
            endpoint_name: {
              displayName: 'Name',
              links: [
                {
                  title: 'Details of ${__data.fields.endpoint_name}',
                  url: dashboardUrl('details', {
                    [DATASOURCE_VARIABLE]: '${datasource}',
                    project: '${__data.fields.project}',
                    endpoint: '${__data.fields.endpoint_id}',
                  }),
                },
              ],
            },
            project: { displayName: 'Project' },
            endpoint_function: { displayName: 'Function' },
            endpoint_model: { displayName: 'Model' },
            endpoint_version: { displayName: 'Version' },
            endpoint_model_class: { displayName: 'Class' },
            endpoint_labels: { displayName: 'Labels' },
            first_request: { displayName: 'First request', unit: 'dateTimeAsLocal' },
            last_request: { displayName: 'Last request', unit: 'dateTimeFromNow' },
            error_count: { displayName: 'Errors', decimals: 0 },
            drift_status: {
              displayName: 'Drift status',
              mappings: DRIFT_STATUS_MAPPINGS,
              colorBackground: true,
            },
            accuracy: {
              displayName: 'Accuracy',
              unit: 'percentunit',
              decimals: 1,
              thresholds: ACCURACY_THRESHOLDS,
              colorBackground: true,
            },
            predictions_per_second: { displayName: 'Predictions/s (5m)', unit: 'reqps', decimals: 2 },
            // MLRun's column is in microseconds.
            latency_avg_1h: { displayName: 'Latency (1h avg)', unit: 'µs', decimals: 0 },
            endpoint_id: { displayName: 'Endpoint id' },
          },
          // Raw values sort alphabetically: ascending puts DRIFT_DETECTED first.
          sortBy: { column: 'Drift status', desc: false },
        },
      ),
    )

    .withRow(new RowBuilder('Heat maps (15-minute buckets)'))
    .withPanel(
      heatmapPanel(
        {
          title: 'Predictions/s',
          description: 'Predictions per second of each endpoint (rows) per 15 minutes.',
          width: 8,
          height: 9,
        },
        targetString('heatmap', { ...PROJECTS, metric: 'predictions_per_second' }),
        { unit: 'reqps', layout: HeatmapCellLayout.Unknown, interval: HEATMAP_STEP, scheme: 'Blues' },
      ),
    )
    .withPanel(
      heatmapPanel(
        {
          title: 'Latency (mean)',
          description: 'Mean model latency of each endpoint (rows) per 15 minutes.',
          width: 8,
          height: 9,
        },
        targetString('heatmap', { ...PROJECTS, metric: 'latency_mean' }),
        { unit: 'ms', layout: HeatmapCellLayout.Unknown, interval: HEATMAP_STEP, scheme: 'Oranges' },
      ),
    )
    .withPanel(
      heatmapPanel(
        {
          title: 'Errors',
          description: 'Predictions that reported an error, per endpoint (rows) per 15 minutes.',
          width: 8,
          height: 9,
        },
        targetString('heatmap', { ...PROJECTS, metric: 'errors' }),
        { unit: 'none', layout: HeatmapCellLayout.Unknown, interval: HEATMAP_STEP, scheme: 'Reds' },
      ),
    );
  return finish(builder);
}
