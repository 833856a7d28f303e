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
import type { Binning } from '../aggregates/binning';
import type { CounterSet } from '../aggregates/counterSet';
import type { CounterFamily } from '../aggregates/layout';
import type { WindowService } from '../windows/windowService';
import { realizedClassificationAccuracy } from './accuracyService';

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

/** Score histograms come from `columns`, the realized accuracy's label counters from `ops`. */
const WINDOW_FAMILIES: readonly CounterFamily[] = ['ops', 'columns'];

/** What the reference says about one endpoint's scores and labels: everything but the window. */
interface Calibration {
  version: number;
  binning: Binning;
  /** The score column's index among the binned prediction columns. */
  index: number;
  counts: ScoreLabelCounts;
  task: EstimatedPerformanceReport['task'];
  positiveClass: string | null;
  threshold: number | null;
  estimateFrom(histogram: number[]): EstimatedPerformanceReport['estimated'];
}

function defaultPositive(values: string[]): string {
  return values.find((v) => v === '1' || v === 'true') ?? values[values.length - 1];
}

/** Accuracy (binary: and precision, recall, F1) of a window estimated from calibrated scores. */
export class EstimatedPerformanceService {
  constructor(
    private readonly windows: WindowService,
    private readonly references: ReferenceService,
  ) {}

  async report(
    endpoint: EndpointRecord,
    from: number,
    to: number,
    options: EstimateOptions,
  ): Promise<EstimatedPerformanceReport> {
    const calibration = await this.calibrate(endpoint, options);
    const counters = await this.windows.counters(endpoint.id, from, to, {
      families: WINDOW_FAMILIES,
      referenceVersion: calibration.version,
    });
    return this.estimate(calibration, endpoint, from, to, counters);
  }

  /** One report per step of [from, to): the calibration is read once, the windows in one pass. */
  async series(
    endpoint: EndpointRecord,
    from: number,
    to: number,
    stepMs: number,
    options: EstimateOptions,
  ): Promise<EstimatedPerformanceReport[]> {
    const calibration = await this.calibrate(endpoint, options);
    const steps = await this.windows.series(endpoint.id, from, to, stepMs, {
      families: WINDOW_FAMILIES,
      referenceVersion: calibration.version,
    });
    const width = steps.length > 1 ? steps[1].time - steps[0].time : stepMs;
    return steps.map((step) =>
      this.estimate(calibration, endpoint, step.time, step.time + width, step.counters),
    );
  }

  /** What the reference says about scores and labels, independent of the window. */
  private async calibrate(endpoint: EndpointRecord, options: EstimateOptions): Promise<Calibration> {
    const version = endpoint.referenceVersion;
    if (version === 0) throw new UnprocessableError(`endpoint ${endpoint.id} has no reference with labels`);
    const statistics = (await this.references.get(endpoint.id, version)).statistics as ReferenceStatistics;
    const scored = statistics.scoreLabels ?? [];
    if (scored.length === 0)
      throw new UnprocessableError(
        'estimated performance needs a reference with labels and a numeric prediction column (the score); a reference registered before scores were counted with labels needs registering again',
      );
    const first = endpoint.predictionColumns[0];
    const counts = this.scoreCounts(scored, options.score, first?.name);
    const column = statistics.predictions.find((c) => c.name === counts.column);
    if (!column || column.kind !== 'numeric')
      throw new Error(`score column ${counts.column} has no numeric bins`);
    const binary = counts.labels !== null && counts.labels.length <= 2;
    if (!binary && first?.name === counts.column)
      throw new UnprocessableError(
        'a multiclass estimate needs the predicted class as the first prediction column and the top-class probability as another',
      );
    const binning = await this.references.binningFor(endpoint, version);
    const index = binning.predictions.findIndex((p) => p.spec.name === counts.column);

    if (binary && counts.labels) {
      const values = counts.labels.map((l) => l.value);
      const positiveClass = options.positive ?? defaultPositive(values);
      const positives = counts.labels.find((l) => l.value === positiveClass);
      if (!positives)
        throw new InvalidInputError(`"positive": the reference labels are ${JSON.stringify(values)}`);
      const p = calibrateBins(counts.totals, positives.counts);
      const share = positiveShareOfBins(column.edges, options.threshold);
      const correct = correctnessByBin(p, share);
      return {
        version,
        binning,
        index,
        counts,
        task: 'binary',
        positiveClass,
        threshold: options.threshold,
        estimateFrom: (histogram) => {
          const confusion = expectedConfusion(histogram, p, share);
          return {
            accuracy: estimateAccuracy(histogram, correct, counts.totals),
            precision: confusion.precision,
            recall: confusion.recall,
            f1: confusion.f1,
          };
        },
      };
    }
    const q = calibrateBins(counts.totals, counts.agreeing);
    return {
      version,
      binning,
      index,
      counts,
      task: 'multiclass',
      positiveClass: null,
      threshold: null,
      estimateFrom: (histogram) => ({
        accuracy: estimateAccuracy(histogram, q, counts.totals),
        precision: null,
        recall: null,
        f1: null,
      }),
    };
  }

  private estimate(
    calibration: Calibration,
    endpoint: EndpointRecord,
    from: number,
    to: number,
    counters: CounterSet,
  ): EstimatedPerformanceReport {
    const { counts } = calibration;
    const window = readWindow(counters, calibration.binning);
    const histogram = window.outputs[calibration.index]?.histogram ?? counts.totals.map(() => 0);
    const predictions = histogram.reduce((sum, n) => sum + n, 0);
    const estimated = calibration.estimateFrom(histogram);
    // The realized figure beside the estimate: only when the predicted class is its own column.
    const realized =
      endpoint.predictionColumns[0]?.name === counts.column
        ? null
        : realizedClassificationAccuracy(endpoint, counters);
    const estimate = estimated.accuracy?.estimate ?? null;
    const reasons = unreliableReasons(histogram, counts.totals);
    return {
      endpointId: endpoint.id,
      from,
      to,
      task: calibration.task,
      scoreColumn: counts.column,
      positiveClass: calibration.positiveClass,
      threshold: calibration.threshold,
      predictions,
      estimated,
      realized,
      gap: realized?.accuracy != null && estimate !== null ? realized.accuracy - estimate : null,
      reliable: reasons.length === 0,
      reasons,
    };
  }

  /**
   * The named score column, else the first scored column that is not the first prediction column
   * (which holds the predicted class when there are several), else the first scored column.
   */
  private scoreCounts(
    scored: ScoreLabelCounts[],
    name: string | undefined,
    predictedClassColumn: string | undefined,
  ): ScoreLabelCounts {
    if (name === undefined) return scored.find((s) => s.column !== predictedClassColumn) ?? scored[0];
    const found = scored.find((s) => s.column === name);
    if (!found)
      throw new InvalidInputError(
        `"score": ${JSON.stringify(name)} is not a numeric prediction column of the reference (${scored.map((s) => s.column).join(', ')})`,
      );
    return found;
  }
}
