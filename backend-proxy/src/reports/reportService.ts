import type { ExperimentRef } from '../store/types';
import type { ExperimentService, Origin } from '../tracking/experimentService';
import { compareRows, type CompareOptions, type Row } from './compareDatasets';
import type { ComparisonReport } from './types';

/**
 * Batch reports through the API: compares two datasets and keeps the result in an experiment, as
 * a `snapshot` event (the whole report) plus metrics Grafana's experiment panels plot (each
 * column's score and drift, the share of drifted columns, the verdict), one run per report.
 */
export class ReportService {
  constructor(
    private readonly experiments: ExperimentService,
    private readonly origin: Origin = { node: 'driftwatch', userid: 'reports' },
  ) {}

  async compare(
    target: ExperimentRef & { report: string },
    reference: Row[],
    current: Row[],
    options: CompareOptions,
  ): Promise<{ run: number; report: ComparisonReport }> {
    // Compare first: a bad request changes nothing.
    const report = compareRows(reference, current, {
      ...options,
      referenceSource: 'reference',
      currentSource: 'current',
    });
    const ref: ExperimentRef = { project: target.project, name: target.name };
    const { run } = await this.experiments.startRun(ref, undefined, this.origin);
    const metrics = report.columns.flatMap((c) =>
      c.test === null
        ? []
        : [
            { event: 'metric', key: `${c.name}.score`, value: c.test.score, run: run.run },
            { event: 'metric', key: `${c.name}.drifted`, value: c.test.drifted ? 1 : 0, run: run.run },
          ],
    );
    await this.experiments.logEvents(
      ref,
      [
        { event: 'snapshot', key: target.report, value: { kind: 'report', ...report }, run: run.run },
        ...metrics,
        { event: 'metric', key: 'drifted_share', value: report.summary.driftedShare, run: run.run },
        { event: 'metric', key: 'dataset_drift', value: report.summary.datasetDrift ? 1 : 0, run: run.run },
        { event: 'param', key: 'report', value: target.report, run: run.run },
      ],
      this.origin,
    );
    await this.experiments.stopRun(ref, run.run, this.origin);
    return { run: run.run, report };
  }
}
