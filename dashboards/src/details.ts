/**
 * Details: one endpoint, for the data scientist. Its summary, overall drift (TVD, Hellinger and
 * KLD, sums and means), the plugin's feature-drift panel, its segments (drift per segment and
 * feature, the worst segments), expected vs actual histograms per feature (one panel per value of
 * `$feature`), incoming feature values, accuracy and data quality.
 * Alert links and the Overview's table open it with `var-project` and `var-endpoint`; segment
 * alerts add `var-segment_key` and `var-segment`.
 * `$segment_key` on All (sent as `*`, "no filter") is the whole endpoint, and the Segments row
 * covers every declared key; a key restricts the feature-drift panel to `$segment` of that key.
 */
import { RowBuilder, VariableSort, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE_VARIABLE } from './constants';
import { dashboardUrl, finish, monitoringEventsAnnotation, newDashboard } from './dashboard';
import {
  ACCURACY_THRESHOLDS,
  DRIFT_SCORE_THRESHOLDS,
  DRIFT_SEVERITY_THRESHOLDS,
  DRIFT_STATUS_MAPPINGS,
  featureDriftPanel,
  histogramPanel,
  multiStatPanel,
  organizeColumns,
  statPanel,
  tablePanel,
  timeSeriesPanel,
} from './panels';
import { targetString } from './query';
import { ALL_FILTER, datasourceVariable, queryVariable } from './variables';

const ENDPOINT = { project: '$project', endpoint_id: '$endpoint' };
const FEATURES = { ...ENDPOINT, feature: '$feature' };
/** The segments of the chosen key (every key when the key is All). */
const SEGMENT_KEY = { ...ENDPOINT, segment_key: '$segment_key' };
/** The chosen segments of the chosen key; with both on All, the whole endpoint. */
const SEGMENTS = { ...SEGMENT_KEY, segment: '$segment' };
/** Per-feature measures: MLRun's thresholds apply to TVD and Hellinger alike. */
const MEASURE = { thresholds: DRIFT_SCORE_THRESHOLDS, colorBackground: true, decimals: 3 };

export function detailsDashboard(): Dashboard {
  const endpointRow = targetString('list_endpoints', ENDPOINT);
  const rolling = targetString('rolling_figures', ENDPOINT);
  const builder = newDashboard('details', {
    title: 'Driftwatch / Details',
    description:
      'One endpoint: drift per feature, expected vs actual distributions, incoming data, accuracy and data quality.',
    from: 'now-1h',
    refresh: '1m',
  })
    .withVariable(datasourceVariable())
    .withVariable(queryVariable('project', 'projects', {}, { label: 'Project' }))
    .withVariable(
      queryVariable(
        'endpoint',
        'endpoints',
        { project: '$project' },
        { label: 'Endpoint', description: 'Shown as model:version; the value is the endpoint id.' },
      ),
    )
    .withVariable(
      queryVariable('feature', 'features', ENDPOINT, {
        label: 'Feature',
        multi: true,
        // No custom "All" value: with All, the histograms repeat once per feature.
        all: {},
        sort: VariableSort.Disabled,
      }),
    )
    .withVariable(
      queryVariable('segment_key', 'segment_keys', ENDPOINT, {
        label: 'Segment key',
        description:
          'All: the whole endpoint. A key (e.g. country): the feature drift of its segments below.',
        all: { value: ALL_FILTER },
      }),
    )
    .withVariable(
      queryVariable('segment', 'segments', SEGMENT_KEY, {
        label: 'Segment',
        description: 'Values of the segment key in use (other: values past its budget).',
        multi: true,
        all: { value: ALL_FILTER },
      }),
    )
    .annotation(monitoringEventsAnnotation(ENDPOINT))

    .withRow(new RowBuilder('Endpoint'))
    .withPanel(
      statPanel(
        {
          title: 'Drift status',
          description: 'Latest evaluation: MLRun’s rule on the mean of the TVD and Hellinger means.',
          width: 4,
          height: 4,
        },
        endpointRow,
        { field: 'drift_status', unit: 'none', mappings: DRIFT_STATUS_MAPPINGS },
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'Accuracy',
          description: 'Share of labelled predictions that were right (labels can arrive late).',
          width: 4,
          height: 4,
        },
        endpointRow,
        {
          field: 'accuracy',
          unit: 'percentunit',
          decimals: 1,
          thresholds: ACCURACY_THRESHOLDS,
          noValue: 'No labels yet',
        },
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'Predictions/s (5m)',
          description: 'Predictions per second over the last 5 minutes.',
          width: 4,
          height: 4,
        },
        rolling,
        { field: 'predictions_per_second_5m', unit: 'reqps', decimals: 2 },
      ),
    )
    .withPanel(
      statPanel(
        { title: 'Predictions (1h)', description: 'Predictions in the last hour.', width: 4, height: 4 },
        rolling,
        { field: 'predictions_1h', unit: 'none', decimals: 0 },
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'Latency (1h avg)',
          description: 'Mean model latency over the last hour.',
          width: 4,
          height: 4,
        },
        rolling,
        { field: 'latency_avg_1h_ms', unit: 'ms', decimals: 1 },
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'Errors (1h)',
          description: 'Predictions that reported an error in the last hour.',
          width: 4,
          height: 4,
        },
        rolling,
        { field: 'errors_1h', unit: 'none', decimals: 0 },
      ),
    )
    .withPanel(
      tablePanel(
        { title: 'Endpoint summary', description: 'The endpoint as MLRun listed it.', width: 24, height: 4 },
        [endpointRow],
        {
          transformations: [
            organizeColumns(
              [
                'endpoint_function',
                'endpoint_model',
                'endpoint_model_class',
                'first_request',
                'last_request',
                'error_count',
                'drift_status',
                'accuracy',
                'endpoint_id',
              ],
              ['predictions_per_second', 'latency_avg_1h'],
            ),
          ],
          columns: {
            endpoint_function: { displayName: 'Function' },
            endpoint_model: { displayName: 'Model' },
            endpoint_model_class: { displayName: 'Class' },
            first_request: { displayName: 'First request', unit: 'dateTimeAsLocal' },
            last_request: { displayName: 'Last request', unit: 'dateTimeFromNow' },
            error_count: { displayName: 'Errors', decimals: 0 },
            drift_status: {
              displayName: 'Drift status',
              mappings: DRIFT_STATUS_MAPPINGS,
              colorBackground: true,
            },
            accuracy: { displayName: 'Accuracy', unit: 'percentunit', decimals: 1 },
            endpoint_id: { displayName: 'Endpoint id' },
          },
        },
      ),
    )

    .withPanel(
      tablePanel(
        {
          title: 'Reference lineage',
          description:
            'The active reference: its version, rows, and the experiment run artifact it was built from (empty when uploaded).',
          width: 24,
          height: 3,
        },
        [targetString('reference_lineage', ENDPOINT)],
        {
          transformations: [organizeColumns([], ['project', 'endpoint_id', 'endpoint_name'])],
          columns: {
            reference_version: { displayName: 'Version', decimals: 0 },
            reference_created: { displayName: 'Registered', unit: 'dateTimeAsLocal' },
            reference_rows: { displayName: 'Rows', decimals: 0 },
            experiment: {
              displayName: 'Experiment',
              links: [
                {
                  title: 'Run ${__data.fields.run} of ${__data.fields.experiment}',
                  url: dashboardUrl(
                    'experiments',
                    {
                      [DATASOURCE_VARIABLE]: '${datasource}',
                      project: '${project}',
                      experiment: '${__data.fields.experiment}',
                      run: '${__data.fields.run}',
                    },
                    '',
                  ),
                },
              ],
            },
            run: { displayName: 'Run', decimals: 0 },
            artifact: { displayName: 'Artifact' },
            sha256: { displayName: 'sha256' },
          },
        },
      ),
    )

    .withRow(new RowBuilder('Drift'))
    .withPanel(
      multiStatPanel(
        {
          title: 'Overall drift',
          description:
            'Over the time range, against the reference: TVD (half the L1 distance), Hellinger and symmetric KL divergence, summed and averaged over the features.',
          width: 24,
          height: 4,
        },
        targetString('overall_feature_analysis', ENDPOINT),
        {
          tvd_sum: { displayName: 'TVD sum' },
          tvd_mean: { displayName: 'TVD mean' },
          hellinger_sum: { displayName: 'Hellinger sum' },
          hellinger_mean: { displayName: 'Hellinger mean' },
          kld_sum: { displayName: 'KLD sum' },
          kld_mean: { displayName: 'KLD mean' },
        },
        'none',
      ),
    )
    .withPanel(
      featureDriftPanel(
        {
          title: 'Feature drift',
          description:
            'Every feature over the time range (of the chosen segment, when a segment key is chosen): drift measures and status, expected vs actual statistics and histograms. Click a feature to select it.',
          width: 12,
          height: 12,
        },
        {
          measures: targetString('feature_drift', SEGMENTS),
          statistics: targetString('individual_feature_analysis', SEGMENTS),
          histograms: targetString('feature_histogram', SEGMENTS),
        },
        // Drifting features first; a click on one selects it in $feature (the histograms below follow).
        {
          variable: 'feature',
          sortBy: 'status',
          sortDirection: 'desc',
          showPredictions: true,
          measures: '',
          rowHeight: 44,
        },
      ),
    )
    .withPanel(
      tablePanel(
        {
          title: 'Expected vs actual statistics',
          description:
            'MLRun’s feature analysis: the reference’s (expected) and the time range’s (actual) min, mean and max, with TVD, Hellinger and KLD.',
          width: 12,
          height: 12,
        },
        [targetString('individual_feature_analysis', ENDPOINT)],
        {
          columns: {
            feature_name: { displayName: 'Feature' },
            actual_min: { displayName: 'Actual min', decimals: 2 },
            actual_mean: { displayName: 'Actual mean', decimals: 2 },
            actual_max: { displayName: 'Actual max', decimals: 2 },
            expected_min: { displayName: 'Expected min', decimals: 2 },
            expected_mean: { displayName: 'Expected mean', decimals: 2 },
            expected_max: { displayName: 'Expected max', decimals: 2 },
            tvd: { displayName: 'TVD', ...MEASURE },
            hellinger: { displayName: 'Hellinger', ...MEASURE },
            kld: { displayName: 'KLD', decimals: 3 },
          },
        },
      ),
    )

    .withRow(new RowBuilder('Segments'))
    .withPanel(
      tablePanel(
        {
          title: 'Drift per segment and feature',
          description:
            'Each segment (row) and feature (column): the feature’s drift severity in that segment over the time range, its deciding measure over the policy’s threshold for it (1: at the threshold; red from there). Worst segments first. Empty: too few predictions in the segment to decide.',
          width: 14,
          height: 10,
        },
        [targetString('segment_feature_drift', SEGMENT_KEY)],
        {
          columns: { segment: { displayName: 'Segment' } },
          numberColumns: {
            thresholds: DRIFT_SEVERITY_THRESHOLDS,
            colorBackground: true,
            decimals: 2,
            noValue: '–',
          },
        },
      ),
    )
    .withPanel(
      tablePanel(
        {
          title: 'Worst segments',
          description:
            'Segments ranked by the drift policy’s score over the time range, with their predictions (n), status and the feature that drifted most. Click a segment to show its feature drift above.',
          width: 10,
          height: 10,
        },
        [targetString('segment_drift', SEGMENT_KEY)],
        {
          columns: {
            segment_key: { displayName: 'Key' },
            segment: {
              displayName: 'Segment',
              links: [
                {
                  title: 'Feature drift of ${__data.fields.segment_key}=${__data.fields.segment}',
                  url: dashboardUrl('details', {
                    [DATASOURCE_VARIABLE]: '${datasource}',
                    project: '${project}',
                    endpoint: '${endpoint}',
                    segment_key: '${__data.fields.segment_key}',
                    segment: '${__data.fields.segment:percentencode}',
                  }),
                },
              ],
            },
            n: { displayName: 'Predictions', decimals: 0 },
            status: { displayName: 'Status', mappings: DRIFT_STATUS_MAPPINGS, colorBackground: true },
            score: { displayName: 'Score', decimals: 3 },
            worst_feature: { displayName: 'Worst feature' },
            worst_feature_score: { displayName: 'Its score', decimals: 3 },
          },
          sortBy: { column: 'Score', desc: true },
        },
      ),
    )

    .withRow(new RowBuilder('Distributions: expected vs actual'))
    .withPanel(
      histogramPanel(
        {
          title: '$feature',
          description:
            'Share of values per bin: the reference (expected) vs the time range (actual), on the reference’s bin edges plus open bins below and above its range.',
          width: 8,
          height: 8,
        },
        targetString('feature_histogram', FEATURES),
      )
        .repeat('feature')
        .repeatDirection('h')
        .maxPerRow(3),
    )

    .withRow(new RowBuilder('Incoming data'))
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Incoming features',
          description: 'Raw feature values from the proxy’s bounded sample of recent predictions.',
          width: 12,
          height: 9,
        },
        [targetString('incoming_features', FEATURES)],
        { unit: 'none', style: 'points' },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Drift over time per feature (TVD)',
          description: 'Each feature’s TVD against the reference, step by step.',
          width: 12,
          height: 9,
        },
        [targetString('drift_over_time', { ...FEATURES, metric: 'tvd' })],
        { unit: 'none', min: 0, max: 1, thresholds: DRIFT_SCORE_THRESHOLDS },
      ),
    )

    .withRow(new RowBuilder('Accuracy and data quality'))
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Accuracy',
          description: 'Share of right predictions among those labelled, per step (by prediction time).',
          width: 8,
          height: 9,
        },
        [targetString('accuracy', ENDPOINT)],
        { unit: 'percentunit', min: 0, max: 1 },
      ),
    )
    .withPanel(
      tablePanel(
        {
          title: 'Data quality',
          description:
            'Per feature over the time range: missing values, and values outside the reference’s range (numeric) or categories it never saw.',
          width: 8,
          height: 9,
        },
        [targetString('data_quality', FEATURES)],
        {
          columns: {
            feature_name: { displayName: 'Feature' },
            missing_share: {
              displayName: 'Missing',
              unit: 'percentunit',
              decimals: 1,
              colorBackground: true,
              thresholds: [
                [null, 'green'],
                [0.05, 'yellow'],
                [0.2, 'red'],
              ],
            },
            out_of_range_share: {
              displayName: 'Out of range',
              unit: 'percentunit',
              decimals: 1,
              colorBackground: true,
              thresholds: [
                [null, 'green'],
                [0.05, 'yellow'],
                [0.2, 'red'],
              ],
            },
          },
          transformations: [
            organizeColumns(
              ['feature_name', 'missing_share', 'out_of_range_share', 'count', 'missing'],
              ['kind', 'actual_min', 'actual_max', 'expected_min', 'expected_max'],
            ),
          ],
        },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Data quality over time',
          description: 'Missing and out-of-range shares per step, averaged over the features.',
          width: 8,
          height: 9,
        },
        [
          targetString('data_quality_over_time', { ...ENDPOINT, metric: 'missing_share' }),
          targetString('data_quality_over_time', { ...ENDPOINT, metric: 'out_of_range_share' }),
        ],
        { unit: 'percentunit', min: 0 },
      ),
    );
  return finish(builder);
}
