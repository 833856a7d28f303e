/**
 * Experiments: omega-ml-style tracking in Grafana. Experiments and runs tables, metrics by step
 * (a numeric x axis, whatever the time range) and by time, params per run, and the profiling
 * provider's system statistics.
 */
import { RowBuilder, VariableSort, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE_VARIABLE } from './constants';
import { dashboardUrl, finish, newDashboard } from './dashboard';
import { organizeColumns, tablePanel, timeSeriesPanel, trendPanel } from './panels';
import { targetString } from './query';
import { ALL_FILTER, datasourceVariable, queryVariable } from './variables';

const EXPERIMENT = { project: '$project', experiment: '$experiment' };
const RUNS = { ...EXPERIMENT, run: '$run' };
/** The run selector's own word for every run (omega-ml's `all`). */
const ALL_RUNS = 'all';

export function experimentsDashboard(): Dashboard {
  const builder = newDashboard('experiments', {
    title: 'Driftwatch / Experiments',
    description: 'Tracked experiments: runs, metrics by step and by time, params and profiling statistics.',
    from: 'now-7d',
    refresh: '',
  })
    .withVariable(datasourceVariable())
    .withVariable(queryVariable('project', 'projects', {}, { label: 'Project' }))
    .withVariable(
      queryVariable('experiment', 'experiment_names', { project: '$project' }, { label: 'Experiment' }),
    )
    .withVariable(
      queryVariable('run', 'run_numbers', EXPERIMENT, {
        label: 'Run',
        multi: true,
        all: { value: ALL_RUNS },
        sort: VariableSort.NumericalAsc,
      }),
    )
    .withVariable(
      queryVariable('metric', 'metric_names', EXPERIMENT, {
        label: 'Metric',
        multi: true,
        all: { value: ALL_FILTER },
      }),
    )

    .withRow(new RowBuilder('Runs'))
    .withPanel(
      tablePanel(
        {
          title: 'Experiments',
          description: 'Every experiment of the project, with its tracking provider and number of runs.',
          width: 24,
          height: 6,
        },
        [targetString('experiments', { project: '$project' })],
        {
          columns: {
            project: { displayName: 'Project' },
            experiment: { displayName: 'Experiment' },
            provider: { displayName: 'Provider' },
            created: { displayName: 'Created', unit: 'dateTimeAsLocal' },
            last_activity: { displayName: 'Last activity', unit: 'dateTimeFromNow' },
            runs: { displayName: 'Runs', decimals: 0 },
          },
          sortBy: { column: 'Last activity', desc: true },
        },
      ),
    )
    .withPanel(
      tablePanel(
        {
          title: 'Runs',
          description: 'One row per run: status, times, duration and the last value of each metric.',
          width: 24,
          height: 8,
        },
        [targetString('runs', { ...RUNS, key: '$metric' })],
        {
          columns: {
            project: { displayName: 'Project' },
            experiment: { displayName: 'Experiment' },
            run: { displayName: 'Run', decimals: 0 },
            status: { displayName: 'Status' },
            started: { displayName: 'Started', unit: 'dateTimeAsLocal' },
            stopped: { displayName: 'Stopped', unit: 'dateTimeAsLocal' },
            duration_s: { displayName: 'Duration', unit: 's', decimals: 1 },
          },
          sortBy: { column: 'Run', desc: true },
        },
      ),
    )

    .withPanel(
      tablePanel(
        {
          title: 'Endpoints whose reference came from this experiment',
          description: 'Endpoints whose active reference was built from an artifact of one of these runs.',
          width: 24,
          height: 5,
        },
        [targetString('reference_lineage', EXPERIMENT)],
        {
          transformations: [organizeColumns([], ['project', 'experiment', 'sha256'])],
          columns: {
            endpoint_name: {
              displayName: 'Endpoint',
              links: [
                {
                  title: 'Details of ${__data.fields.endpoint_name}',
                  url: dashboardUrl('details', {
                    [DATASOURCE_VARIABLE]: '${datasource}',
                    project: '${project}',
                    endpoint: '${__data.fields.endpoint_id}',
                  }),
                },
              ],
            },
            endpoint_id: { displayName: 'Endpoint id' },
            reference_version: { displayName: 'Reference version', decimals: 0 },
            reference_created: { displayName: 'Registered', unit: 'dateTimeAsLocal' },
            reference_rows: { displayName: 'Rows', decimals: 0 },
            run: { displayName: 'Run', decimals: 0 },
            artifact: { displayName: 'Artifact' },
          },
        },
      ),
    )

    .withRow(new RowBuilder('Metrics'))
    .withPanel(
      trendPanel(
        {
          title: 'Metrics by step',
          description: 'Logged metric values against their step, one line per metric and run.',
          width: 12,
          height: 9,
        },
        targetString('run_metrics', { ...RUNS, key: '$metric', by: 'step' }),
        'step',
        'none',
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Metrics by time',
          description:
            'Logged metric values against the time they were logged, one series per metric and run.',
          width: 12,
          height: 9,
        },
        [targetString('run_metrics', { ...RUNS, key: '$metric', by: 'time' })],
        { unit: 'none', style: 'points' },
      ),
    )

    .withRow(new RowBuilder('Params'))
    .withPanel(
      tablePanel(
        {
          title: 'Params',
          description: 'One row per run, one column per param (the last value logged).',
          width: 24,
          height: 7,
        },
        [targetString('run_params', RUNS)],
        {
          columns: {
            project: { displayName: 'Project' },
            experiment: { displayName: 'Experiment' },
            run: { displayName: 'Run', decimals: 0 },
          },
        },
      ),
    )

    .withRow(new RowBuilder('Profiling'))
    .withPanel(
      tablePanel(
        {
          title: 'Profiling statistics',
          description:
            'System statistics of runs tracked with the profiling provider: count, min, mean, max and last per run.',
          width: 12,
          height: 8,
        },
        [targetString('profiling', RUNS)],
        {
          columns: {
            project: { displayName: 'Project' },
            experiment: { displayName: 'Experiment' },
            run: { displayName: 'Run', decimals: 0 },
            stat: { displayName: 'Statistic' },
            count: { displayName: 'Samples', decimals: 0 },
            min: { displayName: 'Min', decimals: 2 },
            mean: { displayName: 'Mean', decimals: 2 },
            max: { displayName: 'Max', decimals: 2 },
            last: { displayName: 'Last', decimals: 2 },
          },
        },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Profiling statistics over time',
          description: 'The same statistics as series, one per statistic and run.',
          width: 12,
          height: 8,
        },
        [targetString('profiling_series', RUNS)],
        { unit: 'none' },
      ),
    );
  return finish(builder);
}
