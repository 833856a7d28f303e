import { InvalidInputError, UnprocessableError } from '../../errors';
import type { EndpointRecord } from '../../store/types';
import { readWindow } from '../aggregates/layout';
import { calibrateBins } from '../performance/calibration';
import { estimateAccuracy, type AccuracyEstimate } from '../performance/estimateBand';
import { expectedConfusion } from '../performance/expectedConfusion';
import { unreliableReasons } from '../performance/reliability';
import { correctnessByBin, positiveShareOfBins } from '../performance/scoreBins';
import type { ReferenceService } from '../reference/referenceService';
import type { ReferenceStatistics, ScoreLabelCounts } from '../reference/types';
import type { WindowService } from '../windows/windowService';
import type { AccuracyService } from './accuracyService';

export interface EstimateOptions {
  /** The score column (default: the first numeric prediction column counted with labels). */
  score?: string;
  /** Binary: the positive label value (default "1", "true", else the last value in order). */
  positive?: string;
  /** Binary: scores at or above it are predicted positive. */
  threshold: number;
}

export interface EstimatedPerformanceReport {
  endpointId: string;
  from: number;
  to: number;
  task: 'binary' | 'multiclass';
  scoreColumn: string;
  positiveClass: string | null;
  threshold: number | null;
  /** Window predictions with a score. */
  predictions: number;
  estimated: {
    accuracy: AccuracyEstimate | null;
    precision: number | null;
    recall: number | null;
    f1: number | null;
  };
  /** Accuracy of the first prediction column against the labels joined so far (accuracyService). */
  realized: { labeled: number; accuracy: number | null } | null;
  /** realized − estimated accuracy: far from 0, the calibration no longer holds (concept drift). */
  gap: number | null;
  reliable: boolean;
  reasons: string[];
}

function defaultPositive(values: string[]): string {
  return values.find((v) => v === '1' || v === 'true') ?? values[values.length - 1];
}

/** Accuracy (binary: and precision, recall, F1) of a window estimated from calibrated scores. */
export class EstimatedPerformanceService {
  constructor(
    private readonly windows: WindowService,
    private readonly references: ReferenceService,
    private readonly accuracy: AccuracyService,
  ) {}

  async report(
    endpoint: EndpointRecord,
    from: number,
    to: number,
    options: EstimateOptions,
  ): Promise<EstimatedPerformanceReport> {
    const version = endpoint.referenceVersion;
    if (version === 0) throw new UnprocessableError(`endpoint ${endpoint.id} has no reference with labels`);
    const statistics = (await this.references.get(endpoint.id, version)).statistics as ReferenceStatistics;
    const scored = statistics.scoreLabels ?? [];
    if (scored.length === 0)
      throw new UnprocessableError(
        'estimated performance needs a reference with labels and a numeric prediction column (the score); a reference registered before scores were counted with labels needs registering again',
      );
    const counts = this.scoreCounts(scored, options.score);
    const column = statistics.predictions.find((c) => c.name === counts.column);
    if (!column || column.kind !== 'numeric')
      throw new Error(`score column ${counts.column} has no numeric bins`);
    const first = endpoint.predictionColumns[0];
    const binary = counts.labels !== null && counts.labels.length <= 2;
    if (!binary && first?.name === counts.column)
      throw new UnprocessableError(
        'a multiclass estimate needs the predicted class as the first prediction column and the top-class probability as another',
      );

    const binning = await this.references.binningFor(endpoint, version);
    const index = binning.predictions.findIndex((p) => p.spec.name === counts.column);
    const window = readWindow(
      await this.windows.counters(endpoint.id, from, to, {
        families: ['columns'],
        referenceVersion: version,
      }),
      binning,
    );
    const histogram = window.outputs[index]?.histogram ?? counts.totals.map(() => 0);
    const predictions = histogram.reduce((sum, n) => sum + n, 0);

    let positiveClass: string | null = null;
    let estimated: EstimatedPerformanceReport['estimated'];
    if (binary && counts.labels) {
      const values = counts.labels.map((l) => l.value);
      positiveClass = options.positive ?? defaultPositive(values);
      const positives = counts.labels.find((l) => l.value === positiveClass);
      if (!positives)
        throw new InvalidInputError(`"positive": the reference labels are ${JSON.stringify(values)}`);
      const p = calibrateBins(counts.totals, positives.counts);
      const share = positiveShareOfBins(column.edges, options.threshold);
      const confusion = expectedConfusion(histogram, p, share);
      estimated = {
        accuracy: estimateAccuracy(histogram, correctnessByBin(p, share), counts.totals),
        precision: confusion.precision,
        recall: confusion.recall,
        f1: confusion.f1,
      };
    } else {
      const q = calibrateBins(counts.totals, counts.agreeing);
      estimated = {
        accuracy: estimateAccuracy(histogram, q, counts.totals),
        precision: null,
        recall: null,
        f1: null,
      };
    }

    const realized = await this.realized(endpoint, from, to, counts.column);
    const estimate = estimated.accuracy?.estimate ?? null;
    const reasons = unreliableReasons(histogram, counts.totals);
    return {
      endpointId: endpoint.id,
      from,
      to,
      task: binary ? 'binary' : 'multiclass',
      scoreColumn: counts.column,
      positiveClass,
      threshold: binary ? options.threshold : null,
      predictions,
      estimated,
      realized,
      gap: realized?.accuracy != null && estimate !== null ? realized.accuracy - estimate : null,
      reliable: reasons.length === 0,
      reasons,
    };
  }

  private scoreCounts(scored: ScoreLabelCounts[], name: string | undefined): ScoreLabelCounts {
    if (name === undefined) return scored[0];
    const found = scored.find((s) => s.column === name);
    if (!found)
      throw new InvalidInputError(
        `"score": ${JSON.stringify(name)} is not a numeric prediction column of the reference (${scored.map((s) => s.column).join(', ')})`,
      );
    return found;
  }

  /** The realized figure beside the estimate: only when the predicted class is its own column. */
  private async realized(endpoint: EndpointRecord, from: number, to: number, scoreColumn: string) {
    if (endpoint.predictionColumns[0]?.name === scoreColumn) return null;
    const report = await this.accuracy.report(endpoint, from, to);
    return report.task === 'classification' ? { labeled: report.labeled, accuracy: report.accuracy } : null;
  }
}
