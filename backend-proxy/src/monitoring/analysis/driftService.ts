import { referenceSegments, type ReferenceCoverage } from './referenceCoverage';
import type { EndpointRecord } from '../../store/types';
import type { Binning } from '../aggregates/binning';
import type { CounterSet } from '../aggregates/counterSet';
import { readWindow, type ColumnWindow } from '../aggregates/layout';
import type { DriftStatus } from '../drift/driftStatus';
import { decideDrift } from '../drift/policy/decideDrift';
import type { DriftPolicyConfig, DriftPolicyName } from '../drift/policy/policyConfig';
import type { EndpointDecision, PolicyColumn, SampleSizes } from '../drift/policy/types';
import { DEFAULT_FEATURE_METRICS, type DriftMetric } from '../drift/registry';
import type { EndpointService } from '../endpoints/endpointService';
import type { ReferenceService } from '../reference/referenceService';
import type { ColumnStatistics, ReferenceStatistics } from '../reference/types';
import type { WindowSelection, WindowService } from '../windows/windowService';
import { aggregatesIdOf, segmentOf, type SegmentOf, type SegmentScope } from '../segments/segmentScope';
import { binPositions, columnDrift, referenceSummary, windowSummary, type ColumnDrift } from './columnDrift';

export interface OverallDrift {
  tvdSum: number | null;
  tvdMean: number | null;
  hellingerSum: number | null;
  hellingerMean: number | null;
  kldSum: number | null;
  kldMean: number | null;
  /** Features the policy found drifted, and their share of the evaluated features. */
  driftedFeatures: number;
  driftedShare: number | null;
  status: DriftStatus;
  policy: DriftPolicyName;
  /** Predictions in the window and reference rows behind the status. */
  n: SampleSizes & { minSample: number };
  /** Why: the policy, the drifted features with their deciding measure, threshold, p-value and n. */
  explanation: EndpointDecision;
  config: DriftPolicyConfig;
}

export interface DriftReport extends SegmentOf {
  endpointId: string;
  window: { from: number; to: number; predictions: number };
  baseline:
    { kind: 'reference'; version: number } | { kind: 'window'; from: number; to: number; version: number };
  features: ColumnDrift[];
  predictions: ColumnDrift[];
  overall: OverallDrift;
  /** Why there are no measures, when there are none. */
  reason?: string;
  /** Which reference version covered which part of the window (see referenceCoverage.ts). */
  referenceCoverage?: ReferenceCoverage;
}

/** Drift of one step of a series: the step's window against the reference. */
export interface DriftPoint {
  /** Step start, epoch ms. */
  time: number;
  predictions: number;
  features: ColumnDrift[];
  overall: OverallDrift;
}

export interface DriftSeries extends SegmentOf {
  endpointId: string;
  stepMs: number;
  points: DriftPoint[];
  /** Why there are no points, when there are none. */
  reason?: string;
}

function sumAndMean(values: number[]): { sum: number | null; mean: number | null } {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { sum: null, mean: null };
  const sum = finite.reduce((a, b) => a + b, 0);
  return { sum, mean: sum / finite.length };
}

function policyColumn(column: ColumnDrift): PolicyColumn {
  return {
    name: column.name,
    kind: column.kind,
    expected: column.histograms.expected,
    actual: column.histograms.actual,
    positions: 'edges' in column.bins ? binPositions(column.bins.edges) : undefined,
    scale: column.expected.std,
  };
}

/**
 * Decides the window with the policy: sets each column's `decision` (features and predictions)
 * and returns the overall figures and status. MLRun's TVD/Hellinger/KLD sums and means are there
 * whatever the policy.
 */
export function overallDrift(
  features: ColumnDrift[],
  predictions: ColumnDrift[],
  windowPredictions: number,
  config: DriftPolicyConfig,
): OverallDrift {
  const decision = decideDrift(
    { features: features.map(policyColumn), predictions: predictions.map(policyColumn), windowPredictions },
    config,
  );
  features.forEach((f, i) => (f.decision = decision.features[i]));
  predictions.forEach((p, i) => (p.decision = decision.predictions[i]));
  const pick = (metric: 'tvd' | 'hellinger' | 'kld') =>
    sumAndMean(features.map((f) => f.measures[metric]?.value ?? Number.NaN));
  const tvd = pick('tvd');
  const hellinger = pick('hellinger');
  const kld = pick('kld');
  const endpoint = decision.endpoint;
  return {
    tvdSum: tvd.sum,
    tvdMean: tvd.mean,
    hellingerSum: hellinger.sum,
    hellingerMean: hellinger.mean,
    kldSum: kld.sum,
    kldMean: kld.mean,
    driftedFeatures: endpoint.driftedFeatures.length,
    driftedShare: endpoint.driftedShare,
    status: endpoint.status,
    policy: endpoint.policy,
    n: endpoint.n,
    explanation: endpoint,
    config,
  };
}

/** Each reference column with the window column of the same name, against the reference or a baseline window. */
function compareColumns(
  columns: ColumnStatistics[],
  windows: ColumnWindow[],
  baseWindows: ColumnWindow[] | undefined,
  metrics?: readonly DriftMetric[],
): ColumnDrift[] {
  return columns.flatMap((ref) => {
    const i = windows.findIndex((w) => w.name === ref.name);
    if (i < 0) return [];
    const expected = baseWindows
      ? { summary: windowSummary(baseWindows[i]), histogram: baseWindows[i].histogram ?? [] }
      : { summary: referenceSummary(ref), histogram: ref.counts };
    return [columnDrift(ref, windows[i], expected, metrics)];
  });
}

type ReferenceVersions = Awaited<ReturnType<ReferenceService['versions']>>;

/** What every report of one endpoint shares: its policy and, once it has one, its reference. */
interface ReportBasis {
  config: DriftPolicyConfig;
  version: number;
  reference: { statistics: ReferenceStatistics; binning: Binning; versions: ReferenceVersions } | null;
}

/** What a drift window reads: predictions and columns counted under the scored reference version. */
const windowSelection = (referenceVersion: number): WindowSelection => ({
  families: ['ops', 'columns'],
  referenceVersion,
});

/** A segment of a feature-sourced key is compared on the other features only (see SegmentScope.ownFeature). */
const withoutOwnFeature = (features: ColumnStatistics[], segment: SegmentScope | undefined) =>
  segment?.ownFeature ? features.filter((f) => f.name !== segment.ownFeature) : features;

/** Drift of an endpoint's window against its reference (or a baseline window), from aggregates only. */
export class DriftService {
  constructor(
    private readonly windows: WindowService,
    private readonly references: ReferenceService,
    private readonly endpoints: EndpointService,
  ) {}

  async report(
    endpointOrId: EndpointRecord | string,
    from: number,
    to: number,
    baseline?: { from: number; to: number },
    segment?: SegmentScope,
  ): Promise<DriftReport> {
    const endpoint = typeof endpointOrId === 'string' ? await this.endpoints.get(endpointOrId) : endpointOrId;
    return this.reportOn(endpoint, await this.basisOf(endpoint), from, to, { baseline, segment });
  }

  /**
   * One report per segment over the same window (the worst-segments ranking), sharing the
   * endpoint's policy, reference and binning; only `metrics` are computed beside the policy's decision.
   */
  async segmentReports(
    endpoint: EndpointRecord,
    from: number,
    to: number,
    segments: readonly SegmentScope[],
    metrics: readonly DriftMetric[],
  ): Promise<DriftReport[]> {
    const basis = await this.basisOf(endpoint);
    // Every segment's window in one read (none is needed without a reference).
    const windows = basis.reference
      ? await this.windows.countersOfEach(
          segments.map((s) => s.aggregatesId),
          from,
          to,
          windowSelection(basis.version),
        )
      : [];
    const reports: DriftReport[] = [];
    for (const [i, segment] of segments.entries())
      reports.push(await this.reportOn(endpoint, basis, from, to, { segment, metrics, window: windows[i] }));
    return reports;
  }

  private async basisOf(endpoint: EndpointRecord): Promise<ReportBasis> {
    const config = await this.endpoints.policyFor(endpoint);
    const version = endpoint.referenceVersion;
    if (version === 0) return { config, version, reference: null };
    const [reference, binning, versions] = await Promise.all([
      this.references.get(endpoint.id, version),
      this.references.binningFor(endpoint, version),
      this.references.versions(endpoint.id),
    ]);
    return {
      config,
      version,
      reference: { statistics: reference.statistics as ReferenceStatistics, binning, versions },
    };
  }

  private async reportOn(
    endpoint: EndpointRecord,
    basis: ReportBasis,
    from: number,
    to: number,
    options: {
      baseline?: { from: number; to: number };
      segment?: SegmentScope;
      metrics?: readonly DriftMetric[];
      /** The counters of [from, to), when the caller read them already. */
      window?: CounterSet;
    },
  ): Promise<DriftReport> {
    const { config, version, reference } = basis;
    const { baseline, segment, metrics } = options;
    const aggregatesId = aggregatesIdOf(endpoint.id, segment);
    const coverage = reference
      ? await this.coverage(endpoint, reference.versions, aggregatesId, from, to)
      : undefined;
    const empty = (reason: string, predictions = 0): DriftReport => ({
      endpointId: endpoint.id,
      ...segmentOf(segment),
      window: { from, to, predictions },
      baseline: baseline ? { kind: 'window', ...baseline, version } : { kind: 'reference', version },
      features: [],
      predictions: [],
      overall: overallDrift([], [], predictions, config),
      reason,
      ...(coverage ? { referenceCoverage: coverage } : {}),
    });
    if (!reference)
      return empty('no reference registered: PUT /api/v1/endpoints/{id}/reference with the training data');

    const { statistics, binning } = reference;
    const selection = windowSelection(version);
    const actual = readWindow(
      options.window ?? (await this.windows.counters(aggregatesId, from, to, selection)),
      binning,
    );
    if (actual.predictions === 0) return empty('no predictions in the window');
    const base = baseline
      ? readWindow(await this.windows.counters(aggregatesId, baseline.from, baseline.to, selection), binning)
      : null;

    const features = compareColumns(
      withoutOwnFeature(statistics.features, segment),
      actual.features,
      base?.features,
      metrics,
    );
    const predictions = compareColumns(statistics.predictions, actual.outputs, base?.outputs, metrics);
    return {
      endpointId: endpoint.id,
      ...segmentOf(segment),
      window: { from, to, predictions: actual.predictions },
      baseline: baseline ? { kind: 'window', ...baseline, version } : { kind: 'reference', version },
      features,
      predictions,
      overall: overallDrift(features, predictions, actual.predictions, config),
      ...(coverage ? { referenceCoverage: coverage } : {}),
    };
  }

  /** The window's parts per reference version; predictions are counted only when it straddles a change. */
  private async coverage(
    endpoint: EndpointRecord,
    versions: ReferenceVersions,
    aggregatesId: string,
    from: number,
    to: number,
  ): Promise<ReferenceCoverage> {
    const segments = referenceSegments(versions, from, to);
    const scoredVersion = endpoint.referenceVersion;
    if (segments.length <= 1) return { straddlesChange: false, scoredVersion, segments };
    for (const segment of segments) {
      const binning = await this.references.binningFor(endpoint, segment.version);
      const counters = await this.windows.counters(aggregatesId, from, to, {
        families: ['ops'],
        referenceVersion: segment.version,
      });
      segment.predictions = readWindow(counters, binning).predictions;
    }
    const left = segments.filter((s) => s.version !== scoredVersion);
    return {
      straddlesChange: true,
      scoredVersion,
      segments,
      note: `the window straddles a reference change: scores compare only the traffic counted under reference version ${scoredVersion}; ${left.reduce((n, s) => n + (s.predictions ?? 0), 0)} predictions under version(s) ${left.map((s) => s.version).join(', ')} are not in them`,
    };
  }

  /**
   * Drift per step of [from, to) against the reference: one read of the steps' aggregates, then
   * the features' measures per step. Only `metrics` are computed (tvd and hellinger always, as
   * the status needs them), which keeps long series cheap. The caller bounds the number of steps.
   */
  async series(
    endpointOrId: EndpointRecord | string,
    from: number,
    to: number,
    stepMs: number,
    metrics: readonly DriftMetric[] = DEFAULT_FEATURE_METRICS,
    segment?: SegmentScope,
  ): Promise<DriftSeries> {
    const endpoint = typeof endpointOrId === 'string' ? await this.endpoints.get(endpointOrId) : endpointOrId;
    const version = endpoint.referenceVersion;
    if (version === 0)
      return {
        endpointId: endpoint.id,
        ...segmentOf(segment),
        stepMs,
        points: [],
        reason: 'no reference registered',
      };
    const config = await this.endpoints.policyFor(endpoint);
    const statistics = (await this.references.get(endpoint.id, version)).statistics as ReferenceStatistics;
    const binning = await this.references.binningFor(endpoint, version);
    const wanted = [...new Set<DriftMetric>(['tvd', 'hellinger', ...metrics])];
    const steps = await this.windows.series(aggregatesIdOf(endpoint.id, segment), from, to, stepMs, {
      families: ['ops', 'columns'],
      referenceVersion: version,
    });
    const points = steps.map((step): DriftPoint => {
      const window = readWindow(step.counters, binning);
      const features =
        window.predictions === 0
          ? []
          : compareColumns(
              withoutOwnFeature(statistics.features, segment),
              window.features,
              undefined,
              wanted,
            );
      return {
        time: step.time,
        predictions: window.predictions,
        features,
        overall: overallDrift(features, [], window.predictions, config),
      };
    });
    return { endpointId: endpoint.id, ...segmentOf(segment), stepMs, points };
  }
}
