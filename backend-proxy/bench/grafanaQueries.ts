/**
 * p95 of every dashboard query type over 30 days of aggregates for 100 endpoints, posted to
 * `/grafana/query` (and the variable/annotation routes) as Grafana does: `range` of the last 30
 * days, `maxDataPoints` 1000 and the interval Grafana derives from them. Endpoint-scoped targets
 * (Details and Performance dashboards) name one endpoint, a different one each run; Overview
 * targets cover all 100. Run: `npx tsx bench/grafanaQueries.ts`.
 */
import { RESOLUTION_MS } from '../src/store/types';
import { machineDescription } from './lib/benchArgs';
import { runBench, withBenchProxy } from './lib/benchProxy';
import { fetchOk, jsonRequest } from './lib/http';
import { prepareBenchStore } from './lib/benchStore';
import { markdownTable, time, type Timing } from './lib/timing';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const DAYS_30 = 30 * RESOLUTION_MS.day;
const MAX_DATA_POINTS = 1_000;
/** Grafana's interval for 30 days in 1000 points (43.2 min), rounded as its interval rounding does. */
const INTERVAL_MS = 30 * RESOLUTION_MS.minute;

async function main(): Promise<void> {
  const seed = await prepareBenchStore();
  const timings: Timing[] = [];
  await withBenchProxy({ store: seed.path }, async (proxy) => {
    const ids = seed.endpointIds;
    const project = seed.project;
    const experiment = seed.experiment;

    const post = async (path: string, body: unknown) => {
      const response = await fetchOk(`${proxy.url}${path}`, jsonRequest('POST', body));
      return (await response.text()).length;
    };
    const range = () => {
      const to = Date.now();
      return {
        from: new Date(to - DAYS_30).toISOString(),
        to: new Date(to).toISOString(),
        raw: { from: 'now-30d', to: 'now' },
      };
    };
    // Several targets: one panel's request, as Grafana sends it (e.g. the feature-drift panel's three).
    const query =
      (...targets: string[]) =>
      (run: number) =>
        post('/grafana/query', {
          app: 'dashboard',
          range: range(),
          rangeRaw: { from: 'now-30d', to: 'now' },
          interval: '30m',
          intervalMs: INTERVAL_MS,
          maxDataPoints: MAX_DATA_POINTS,
          targets: targets.map((target, i) => ({
            refId: String.fromCharCode(65 + i),
            target: target.replaceAll('$ENDPOINT', ids[run % ids.length]),
          })),
        });

    const one = `project=${project};endpoint_id=$ENDPOINT`;
    const all = `project=${project}`;
    const cases: Array<[string, (run: number) => Promise<unknown>]> = [
      // Overview
      ['list_endpoints (100 endpoints)', query(`${all};target_endpoint=list_endpoints`)],
      ['endpoint_count', query(`${all};target_endpoint=endpoint_count`)],
      ['endpoint_summary (100 endpoints)', query(`${all};target_endpoint=endpoint_summary`)],
      ['rolling_figures (100 endpoints)', query(`${all};target_endpoint=rolling_figures`)],
      [
        'heatmap predictions_per_second (100 endpoints)',
        query(`${all};target_endpoint=heatmap;metric=predictions_per_second`),
      ],
      ['heatmap errors (100 endpoints)', query(`${all};target_endpoint=heatmap;metric=errors`)],
      ['heatmap latency_mean (100 endpoints)', query(`${all};target_endpoint=heatmap;metric=latency_mean`)],
      ['predictions_per_second (100 series)', query(`${all};target_endpoint=predictions_per_second`)],
      // Performance (one endpoint)
      ['predictions_per_second', query(`${one};target_endpoint=predictions_per_second`)],
      ['predictions', query(`${one};target_endpoint=predictions`)],
      ['latency p95', query(`${one};target_endpoint=latency;stat=p95`)],
      ['errors', query(`${one};target_endpoint=errors`)],
      ['error_rate', query(`${one};target_endpoint=error_rate`)],
      ['accuracy (mae)', query(`${one};target_endpoint=accuracy;metric=mae`)],
      ['latency_heatmap', query(`${one};target_endpoint=latency_heatmap`)],
      // Details (one endpoint)
      ['individual_feature_analysis', query(`${one};target_endpoint=individual_feature_analysis`)],
      ['overall_feature_analysis', query(`${one};target_endpoint=overall_feature_analysis`)],
      ['feature_drift', query(`${one};target_endpoint=feature_drift`)],
      ['feature_histogram (one feature)', query(`${one};target_endpoint=feature_histogram;feature=f3`)],
      ['feature_histogram (20 features)', query(`${one};target_endpoint=feature_histogram`)],
      [
        'feature-drift panel (3 targets: feature_drift, individual_feature_analysis, feature_histogram)',
        query(
          `${one};target_endpoint=feature_drift`,
          `${one};target_endpoint=individual_feature_analysis`,
          `${one};target_endpoint=feature_histogram`,
        ),
      ],
      ['drift_over_time tvd (overall)', query(`${one};target_endpoint=drift_over_time;metric=tvd`)],
      ['drift_over_time drift_score', query(`${one};target_endpoint=drift_over_time;metric=drift_score`)],
      [
        'drift_over_time hellinger (3 features)',
        query(`${one};target_endpoint=drift_over_time;metric=hellinger;feature=(f0|f1|f2)`),
      ],
      ['data_quality', query(`${one};target_endpoint=data_quality`)],
      [
        'data_quality_over_time',
        query(`${one};target_endpoint=data_quality_over_time;metric=out_of_range_share`),
      ],
      ['incoming_features (2,000 samples)', query(`${one};target_endpoint=incoming_features`)],
      ['annotations (query)', query(`${all};target_endpoint=annotations`)],
      // Experiments
      ['experiments', query(`${all};target_endpoint=experiments`)],
      ['runs (20 runs)', query(`${all};experiment=${experiment};target_endpoint=runs`)],
      [
        'run_metrics by step (20 runs x 3 keys)',
        query(`${all};experiment=${experiment};target_endpoint=run_metrics;by=step`),
      ],
      [
        'run_metrics by time (loss)',
        query(`${all};experiment=${experiment};target_endpoint=run_metrics;key=loss`),
      ],
      ['run_params', query(`${all};experiment=${experiment};target_endpoint=run_params`)],
      ['profiling', query(`${all};experiment=${experiment};target_endpoint=profiling`)],
      ['profiling_series', query(`${all};experiment=${experiment};target_endpoint=profiling_series`)],
      // Variables and annotations
      [
        '/variable endpoints (100)',
        () =>
          post('/grafana/variable', {
            payload: { target: `project=${project};target_endpoint=endpoints` },
            range: range(),
          }),
      ],
      [
        '/search features',
        (run) =>
          post('/grafana/search', {
            target: `endpoint_id=${ids[run % ids.length]};target_endpoint=features`,
          }),
      ],
      [
        '/annotations (1,000 events)',
        () =>
          post('/grafana/annotations', {
            range: range(),
            annotation: { name: 'drift', enable: true, query: `project=${project}` },
          }),
      ],
    ];

    for (const [name, fn] of cases) {
      const timing = await time(name, RUNS, fn);
      timings.push(timing);
      process.stdout.write(`${name}: p50 ${timing.p50.toFixed(1)} ms, p95 ${timing.p95.toFixed(1)} ms\n`);
    }
  });
  process.stdout.write(
    [
      '',
      '## Grafana query benchmarks',
      '',
      `Machine: ${machineDescription()}. Same seeded embedded store as "Query benchmarks". Each query posted to the proxy over HTTP with`,
      `range = the last 30 days, maxDataPoints ${MAX_DATA_POINTS}, intervalMs ${INTERVAL_MS}; ${RUNS} measured runs after 2 warm-up runs;`,
      'endpoint-scoped queries use the next endpoint each run. `npx tsx bench/grafanaQueries.ts`.',
      '',
      markdownTable(timings, 50),
      '',
    ].join('\n'),
  );
}

runBench(main);
