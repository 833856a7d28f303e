/**
 * Performance: how endpoints behave over time. Drift measures per step, latency at 5-minute and
 * 1-hour steps (mean and p95) with each endpoint's latency distribution, throughput and
 * prediction counts (5 minutes and 1 hour), errors, accuracy-type metrics, and label coverage and lag.
 */
import { HeatmapCellLayout } from '@grafana/grafana-foundation-sdk/common';
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { finish, monitoringEventsAnnotation, newDashboard } from './dashboard';
import { DRIFT_SCORE_THRESHOLDS, heatmapPanel, tablePanel, timeSeriesPanel } from './panels';
import { targetString } from './query';
import { ALL_FILTER, datasourceVariable, queryVariable } from './variables';

const ENDPOINTS = { project: '$project', endpoint_id: '$endpoint' };

export function performanceDashboard(): Dashboard {
  const builder = newDashboard('performance', {
    title: 'Driftwatch / Performance',
    description: 'Drift, latency, throughput, errors and accuracy of the selected endpoints over time.',
    from: 'now-6h',
    refresh: '1m',
  })
    .withVariable(datasourceVariable())
    .withVariable(
      queryVariable('project', 'projects', {}, { label: 'Project', multi: true, all: { value: ALL_FILTER } }),
    )
    .withVariable(
      queryVariable(
        'endpoint',
        'endpoints',
        { project: '$project' },
        {
          label: 'Endpoint',
          multi: true,
          all: { value: ALL_FILTER },
          description: 'model:version; the value is the endpoint id.',
        },
      ),
    )
    .annotation(monitoringEventsAnnotation({ project: '$project' }))

    .withRow(new RowBuilder('Drift'))
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Drift score',
          description:
            'MLRun’s score per step: the mean of the TVD and Hellinger feature means. Possible drift at 0.5, drift at 0.7.',
          width: 12,
          height: 8,
        },
        [targetString('drift_over_time', { ...ENDPOINTS, metric: 'drift_score' })],
        { unit: 'none', min: 0, max: 1, thresholds: DRIFT_SCORE_THRESHOLDS },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'TVD and Hellinger (feature means)',
          description:
            'Total variation distance and Hellinger distance per step, averaged over the features.',
          width: 12,
          height: 8,
        },
        [
          targetString('drift_over_time', { ...ENDPOINTS, metric: 'tvd' }),
          targetString('drift_over_time', { ...ENDPOINTS, metric: 'hellinger' }),
        ],
        { unit: 'none', min: 0, max: 1 },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'KL divergence (feature mean)',
          description:
            'MLRun’s symmetric KL divergence per step (empty bins count as 1e-4), averaged over the features.',
          width: 12,
          height: 8,
        },
        [targetString('drift_over_time', { ...ENDPOINTS, metric: 'kld' })],
        { unit: 'none', min: 0 },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Drifted features',
          description: 'Share of features whose own status is drift, per step.',
          width: 12,
          height: 8,
        },
        [targetString('drift_over_time', { ...ENDPOINTS, metric: 'drifted_share' })],
        { unit: 'percentunit', min: 0, max: 1 },
      ),
    )

    .withRow(new RowBuilder('Latency'))
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Latency, 5-minute steps',
          description: 'Mean and 95th percentile of model latency per 5 minutes.',
          width: 12,
          height: 8,
        },
        [
          targetString('latency', { ...ENDPOINTS, stat: 'mean', step: '5m' }),
          targetString('latency', { ...ENDPOINTS, stat: 'p95', step: '5m' }),
        ],
        { unit: 'ms', min: 0 },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Latency, 1-hour steps',
          description: 'Mean and 95th percentile of model latency per hour.',
          width: 12,
          height: 8,
        },
        [
          targetString('latency', { ...ENDPOINTS, stat: 'mean', step: '1h' }),
          targetString('latency', { ...ENDPOINTS, stat: 'p95', step: '1h' }),
        ],
        { unit: 'ms', min: 0, style: 'bars' },
      ),
    )
    .withPanel(
      heatmapPanel(
        {
          title: 'Latency distribution: ${endpoint:text}',
          description: 'Predictions per latency bucket (rows, upper bound in ms) per 15 minutes.',
          width: 8,
          height: 8,
        },
        targetString('latency_heatmap', ENDPOINTS),
        { unit: 'none', layout: HeatmapCellLayout.Le, yUnit: 'ms', interval: '15m', scheme: 'Oranges' },
      )
        .repeat('endpoint')
        .repeatDirection('h')
        .maxPerRow(3),
    )

    .withRow(new RowBuilder('Predictions'))
    .withPanel(
      timeSeriesPanel(
        { title: 'Predictions/s', description: 'Predictions per second, per step.', width: 12, height: 8 },
        [targetString('predictions_per_second', ENDPOINTS)],
        { unit: 'reqps', min: 0 },
      ),
    )
    .withPanel(
      tablePanel(
        {
          title: 'Now: counts and latency (5 minutes and 1 hour)',
          description:
            'Per endpoint as of now: predictions/s, predictions, errors and mean latency over the last 5 minutes and hour.',
          width: 12,
          height: 8,
        },
        [targetString('rolling_figures', ENDPOINTS)],
        {
          columns: {
            endpoint_name: { displayName: 'Endpoint' },
            project: { displayName: 'Project' },
            predictions_per_second_5m: { displayName: 'Predictions/s (5m)', unit: 'reqps', decimals: 2 },
            predictions_5m: { displayName: 'Predictions (5m)', decimals: 0 },
            predictions_1h: { displayName: 'Predictions (1h)', decimals: 0 },
            errors_1h: { displayName: 'Errors (1h)', decimals: 0 },
            latency_avg_5m_ms: { displayName: 'Latency (5m avg)', unit: 'ms', decimals: 1 },
            latency_avg_1h_ms: { displayName: 'Latency (1h avg)', unit: 'ms', decimals: 1 },
            endpoint_id: { displayName: 'Endpoint id' },
          },
        },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Predictions per 5 minutes',
          description: 'Prediction count per 5-minute step.',
          width: 12,
          height: 8,
        },
        [targetString('predictions', { ...ENDPOINTS, step: '5m' })],
        { unit: 'none', min: 0, style: 'bars' },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Predictions per hour',
          description: 'Prediction count per 1-hour step.',
          width: 12,
          height: 8,
        },
        [targetString('predictions', { ...ENDPOINTS, step: '1h' })],
        { unit: 'none', min: 0, style: 'bars' },
      ),
    )

    .withRow(new RowBuilder('Errors'))
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Errors',
          description: 'Predictions that reported an error, per step.',
          width: 12,
          height: 8,
        },
        [targetString('errors', ENDPOINTS)],
        { unit: 'none', min: 0, style: 'bars' },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Error rate',
          description: 'Errors as a share of predictions, per step.',
          width: 12,
          height: 8,
        },
        [targetString('error_rate', ENDPOINTS)],
        { unit: 'percentunit', min: 0 },
      ),
    )

    .withRow(new RowBuilder('Custom metrics'))
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Accuracy',
          description: 'Classification models: share of labelled predictions that were right, per step.',
          width: 12,
          height: 8,
        },
        [targetString('accuracy', { ...ENDPOINTS, metric: 'accuracy' })],
        { unit: 'percentunit', min: 0, max: 1 },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'MAE and RMSE',
          description:
            'Regression models: mean absolute and root mean squared error of labelled predictions, per step.',
          width: 12,
          height: 8,
        },
        [
          targetString('accuracy', { ...ENDPOINTS, metric: 'mae' }),
          targetString('accuracy', { ...ENDPOINTS, metric: 'rmse' }),
        ],
        { unit: 'none', min: 0 },
      ),
    )

    .withRow(new RowBuilder('Performance without labels'))
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Estimated vs realized accuracy',
          description:
            'Accuracy estimated from calibrated scores (needs a reference with scores and labels), its 95% band (dashed), the realized accuracy of the labels joined so far, and their gap (right axis; far from 0: the calibration no longer holds).',
          width: 24,
          height: 8,
        },
        [targetString('estimated_accuracy', ENDPOINTS)],
        { unit: 'percentunit' },
      )
        .overrideByRegexp('/ (lower|upper)$/', [
          { id: 'custom.lineStyle', value: { fill: 'dash', dash: [4, 4] } },
          { id: 'custom.lineWidth', value: 1 },
          { id: 'custom.fillOpacity', value: 0 },
        ])
        .overrideByRegexp('/ gap$/', [
          { id: 'custom.axisPlacement', value: 'right' },
          { id: 'custom.drawStyle', value: 'bars' },
        ]),
    )
    .withRow(new RowBuilder('Labels'))
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Label coverage',
          description:
            'Share of the predictions of each step labelled so far (recent steps fill in as late labels arrive).',
          width: 8,
          height: 8,
        },
        [targetString('label_health', { ...ENDPOINTS, metric: 'coverage' })],
        { unit: 'percentunit', min: 0, max: 1 },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Label lag',
          description:
            "Label time minus prediction time of the step's labelled predictions: p50 and p95 (interpolated on lag buckets) and the exact maximum.",
          width: 8,
          height: 8,
        },
        [
          targetString('label_health', { ...ENDPOINTS, metric: 'lag_p50' }),
          targetString('label_health', { ...ENDPOINTS, metric: 'lag_p95' }),
          targetString('label_health', { ...ENDPOINTS, metric: 'lag_max' }),
        ],
        { unit: 's', min: 0 },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Labels received and unmatched',
          description:
            'Labels received per step (by arrival time), and those that named the endpoint but matched no prediction yet.',
          width: 8,
          height: 8,
        },
        [
          targetString('label_health', { ...ENDPOINTS, metric: 'received' }),
          targetString('label_health', { ...ENDPOINTS, metric: 'unmatched' }),
        ],
        { unit: 'none', min: 0, style: 'bars' },
      ),
    );
  return finish(builder);
}
