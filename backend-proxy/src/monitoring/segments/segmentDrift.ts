import { DocumentCollection } from '../../store/documentCollection';
import type { DocumentStore } from '../../store/types';
import type { ColumnDrift } from '../analysis/columnDrift';
import type { DriftReport, DriftService } from '../analysis/driftService';
import { driftSeverity } from '../drift/driftSeverity';
import type { DriftStatus } from '../drift/driftStatus';
import type { DriftMetric } from '../drift/registry';
import type { EndpointRecord } from '../../store/types';
import type { SegmentService } from './segmentService';

/** One segment's drift in a window, as the "worst segments" ranking lists it. */
export interface SegmentDriftRow {
  segmentKey: string;
  segment: string;
  /** Predictions of the segment in the window. */
  n: number;
  status: DriftStatus;
  /** The policy's endpoint-rule measure (drifted share, or the MLRun score); null when the policy did not decide. */
  score: number | null;
  /** The feature furthest past (or closest to) its threshold, by value / threshold. */
  worstFeature: string | null;
  worstFeatureScore: number | null;
  /** Each feature's deciding measure in the segment (null: too few values to decide). */
  features: Record<string, number | null>;
  /** Each feature's severity (deciding measure / its threshold, see driftSeverity), null likewise. */
  severities: Record<string, number | null>;
}

/** Rows show only the policy's decisions, so no other measure is computed. */
const RANKING_METRICS: readonly DriftMetric[] = [];
const DECIDED: ReadonlySet<DriftStatus> = new Set(['NO_DRIFT', 'POSSIBLE_DRIFT', 'DRIFT_DETECTED']);

/** A feature's deciding measure, when the policy decided it. */
function featureScore(column: ColumnDrift): number | null {
  const d = column.decision;
  return d && DECIDED.has(d.status) && d.value !== null && Number.isFinite(d.value) ? d.value : null;
}

/** The row of one segment's report. */
export function segmentDriftRow(segmentKey: string, segment: string, report: DriftReport): SegmentDriftRow {
  const decided = DECIDED.has(report.overall.status);
  const value = report.overall.explanation.value;
  let worst: { name: string; score: number; severity: number } | null = null;
  const features: Record<string, number | null> = {};
  const severities: Record<string, number | null> = {};
  for (const column of report.features) {
    const score = featureScore(column);
    features[column.name] = score;
    severities[column.name] = null;
    if (score === null) continue;
    // Relative to its own threshold, so an effect size and a distance compare fairly.
    const severity = driftSeverity(score, column.decision?.threshold ?? 0);
    severities[column.name] = severity;
    if (!worst || severity > worst.severity) worst = { name: column.name, score, severity };
  }
  return {
    segmentKey,
    segment,
    n: report.window.predictions,
    status: report.overall.status,
    score: decided && value !== null && Number.isFinite(value) ? value : null,
    worstFeature: worst?.name ?? null,
    worstFeatureScore: worst?.score ?? null,
    features,
    severities,
  };
}

/** Score descending (undecided last), then the worst feature's score, then n. */
export function bySeverity(a: SegmentDriftRow, b: SegmentDriftRow): number {
  const desc = (x: number | null, y: number | null) => (y ?? -Infinity) - (x ?? -Infinity);
  return desc(a.score, b.score) || desc(a.worstFeatureScore, b.worstFeatureScore) || b.n - a.n;
}

/** The latest evaluation of an endpoint's segments (what the Prometheus segment gauges export). */
export interface SegmentEvaluation {
  endpointId: string;
  evaluatedAt: string;
  /** Every segment with predictions in the evaluation window, worst first. */
  segments: Array<Pick<SegmentDriftRow, 'segmentKey' | 'segment' | 'n' | 'status' | 'score'>>;
}

/** "Which segments drift most": every segment's drift with the endpoint's policy, worst first. */
export class SegmentDriftService {
  private readonly evaluations: DocumentCollection<SegmentEvaluation>;

  constructor(
    private readonly segments: SegmentService,
    private readonly drift: DriftService,
    store: DocumentStore,
  ) {
    this.evaluations = new DocumentCollection(store, 'segment-evaluation');
  }

  /**
   * Ranks all of the endpoint's segments over [from, to) and stores the result as its latest
   * segment evaluation (the periodic evaluation calls this; one replica at a time, under its lease).
   */
  async evaluate(endpoint: EndpointRecord, from: number, to: number): Promise<void> {
    const previous = await this.evaluations.get(endpoint.id);
    const keys = (await this.segments.stateOf(endpoint.id)).keys;
    if (keys.length === 0 && !previous) return;
    const rows = keys.length ? await this.rank(endpoint, from, to, { limit: Number.MAX_SAFE_INTEGER }) : [];
    const body: SegmentEvaluation = {
      endpointId: endpoint.id,
      evaluatedAt: new Date(to).toISOString(),
      segments: rows.map(({ segmentKey, segment, n, status, score }) => ({
        segmentKey,
        segment,
        n,
        status,
        score,
      })),
    };
    // A lost compare-and-set means another pass wrote a newer evaluation: keep that one.
    await this.evaluations.put(
      { id: endpoint.id, project: endpoint.project, body },
      previous?.version ?? 0,
      new Date(to),
    );
  }

  /** The latest segment evaluation of every endpoint that has one. */
  async latest(projects?: string[]): Promise<SegmentEvaluation[]> {
    return (await this.evaluations.list({ projects })).map((d) => d.body);
  }

  /** Segments without predictions in the window are left out; `limit` keeps the worst. */
  async rank(
    endpoint: EndpointRecord,
    from: number,
    to: number,
    options: { key?: string; limit: number },
  ): Promise<SegmentDriftRow[]> {
    const scopes = await this.segments.allScopes(endpoint, options.key);
    const reports = await this.drift.segmentReports(endpoint, from, to, scopes, RANKING_METRICS);
    return reports
      .flatMap((report, i) =>
        report.window.predictions > 0 ? [segmentDriftRow(scopes[i].key, scopes[i].value, report)] : [],
      )
      .sort(bySeverity)
      .slice(0, options.limit);
  }
}
