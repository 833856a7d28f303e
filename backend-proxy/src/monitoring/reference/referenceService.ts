import { parse as parseCsv } from 'csv-parse/sync';
import { InvalidInputError, NotFoundError, UnprocessableError } from '../../errors';
import type { Readable } from 'node:stream';
import type { ScanProgress } from '../../reports/csvColumns';
import type {
  ArtifactMeta,
  EndpointRecord,
  ExperimentRef,
  FeatureKind,
  FeatureSpec,
  MonitoringEventRecord,
  ReferenceRecord,
  Store,
} from '../../store/types';
import { buildBinning, type Binning } from '../aggregates/binning';
import type { EndpointService } from '../endpoints/endpointService';
import type { Row } from './computeReference';
import { ReferenceAccumulator, type ReferenceColumns } from './referenceAccumulator';
import { ReferenceBuilds, type BuildHandle, type BuildPhase } from './referenceBuilds';
import { byteSource, rowsSource, type ByteSource, type DataFormat, type RowSource } from './rowSources';
import { REFERENCE_CHANGED_EVENT } from './referenceEvents';
import type { ReferenceLineage, ReferenceStatistics } from './types';

/** Which columns of the training set are features, predictions and labels; all optional. */
export interface ReferenceColumnsHint {
  features?: FeatureSpec[];
  predictionColumns?: FeatureSpec[];
  labelColumns?: string[];
  /** Force these columns to be categorical (e.g. integer-coded classes). */
  categorical?: string[];
}

export function parseCsvRows(text: string): Row[] {
  try {
    return parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Row[];
  } catch (err) {
    throw new InvalidInputError(`malformed CSV: ${(err as Error).message}`);
  }
}

/** Where a run's data artifact is: experiment (in `project`), run number, artifact name. */
export interface ArtifactLocation {
  project: string;
  experiment: string;
  run: number;
  artifact: string;
}

/** What references need of experiment tracking: reading a stored artifact. */
export interface ArtifactReader {
  openArtifact(
    ref: ExperimentRef,
    run: number,
    artifact: string,
  ): Promise<{ meta: ArtifactMeta; body: Readable }>;
}

export function formatOfArtifact(name: string, contentType: string): DataFormat {
  return /\.(ndjson|jsonl)(\.gz)?$/i.test(name) || /ndjson|jsonl/i.test(contentType) ? 'ndjson' : 'csv';
}

/** The annotation a new reference version leaves on the endpoint's dashboards. */
function referenceChangedEvent(
  endpoint: EndpointRecord,
  reference: ReferenceRecord,
  lineage: ReferenceLineage | undefined,
): MonitoringEventRecord {
  const origin = lineage
    ? ` from artifact "${lineage.artifact}" of run ${lineage.run} of experiment "${lineage.experiment}"`
    : '';
  return {
    time: reference.createdAt,
    project: endpoint.project,
    endpointId: endpoint.id,
    kind: REFERENCE_CHANGED_EVENT,
    title: `${endpoint.model}:${endpoint.version} reference v${reference.version}`,
    text: `reference version ${reference.version} of ${endpoint.model}:${endpoint.version} (${reference.rowCount} rows)${origin}`,
    tags: ['reference', endpoint.project, endpoint.model],
    data: { version: reference.version, rowCount: reference.rowCount, lineage: lineage ?? null },
  };
}

export class ReferenceService {
  // Binning per endpoint, valid while the endpoint's reference version and columns are unchanged.
  private readonly binnings = new Map<string, { signature: string; binning: Binning }>();

  readonly builds: ReferenceBuilds;

  constructor(
    private readonly store: Store,
    private readonly endpoints: EndpointService,
    private readonly clock: () => Date = () => new Date(),
    private readonly artifacts?: ArtifactReader,
  ) {
    this.builds = new ReferenceBuilds(clock);
  }

  /** From CSV or NDJSON bytes (an upload spooled to disk); `build` reports the passes' progress. */
  async registerBytes(
    id: string,
    source: ByteSource,
    hint: ReferenceColumnsHint,
    build?: BuildHandle,
    lineage?: Omit<ReferenceLineage, 'rows'>,
  ): Promise<ReferenceRecord> {
    const onProgress = build
      ? (p: ScanProgress) => build.update(p.pass as BuildPhase, p.bytesRead, p.totalBytes)
      : source.onProgress;
    return this.registerFrom(id, byteSource({ ...source, onProgress }), hint, lineage);
  }

  /**
   * From a data artifact logged in an experiment run (CSV, or NDJSON when named *.ndjson / *.jsonl;
   * gzip when named *.gz), read where it is stored, without another upload. The reference records
   * the run, the artifact, its sha256 and size, and the rows read.
   */
  async registerFromArtifact(
    id: string,
    from: ArtifactLocation,
    hint: ReferenceColumnsHint,
  ): Promise<ReferenceRecord> {
    if (!this.artifacts) throw new Error('ReferenceService: no artifact reader configured');
    const artifacts = this.artifacts;
    const ref = { project: from.project, name: from.experiment };
    const { meta, body } = await artifacts.openArtifact(ref, from.run, from.artifact);
    body.destroy();
    const build = this.builds.start(id, meta.size);
    try {
      return await this.registerBytes(
        id,
        {
          name: from.artifact,
          format: formatOfArtifact(meta.artifact, meta.contentType),
          gzip: /\.gz$/i.test(meta.artifact) || /gzip/i.test(meta.contentType),
          totalBytes: meta.size,
          open: async () => (await artifacts.openArtifact(ref, from.run, from.artifact)).body,
        },
        hint,
        build,
        {
          project: from.project,
          experiment: from.experiment,
          run: from.run,
          artifact: from.artifact,
          sha256: meta.sha256,
          size: meta.size,
        },
      );
    } finally {
      build.end();
    }
  }

  /**
   * Computes and stores a new reference version from training rows, and makes its columns the
   * endpoint's columns: from now on production values are counted on its bins.
   */
  async register(id: string, rows: Row[], hint: ReferenceColumnsHint): Promise<ReferenceRecord> {
    return this.registerFrom(id, rowsSource(rows), hint);
  }

  /**
   * As `register`, from any source of rows, read at most twice (see ReferenceAccumulator); nothing
   * is stored unless every pass succeeds. `lineage` records where the data came from.
   */
  async registerFrom(
    id: string,
    source: RowSource,
    hint: ReferenceColumnsHint,
    lineage?: Omit<ReferenceLineage, 'rows'>,
  ): Promise<ReferenceRecord> {
    const endpoint = await this.endpoints.get(id);
    const present = await source.columns();
    if (present.length === 0) throw new UnprocessableError('the reference has no columns');
    const accumulator = new ReferenceAccumulator(present);
    const rowCount = await source.scan((cells) => accumulator.profile(cells), 'profiling reference');
    if (rowCount === 0) throw new UnprocessableError('the reference has no rows');
    const columns = this.columnsFor(endpoint, present, hint, (name) => accumulator.kindOf(name));
    if (accumulator.plan(columns)) {
      const again = await source.scan((cells) => accumulator.count(cells), 'binning reference');
      if (again !== rowCount)
        throw new UnprocessableError(
          `the reference changed while it was read (${rowCount} then ${again} rows)`,
        );
    }
    const statistics: ReferenceStatistics = {
      ...accumulator.result(),
      ...(lineage ? { lineage: { ...lineage, rows: rowCount } } : {}),
    };
    await this.store.updateEndpointSpec(id, {
      modelClass: endpoint.modelClass,
      labels: endpoint.labels,
      features: columns.features,
      predictionColumns: columns.allPredictions,
      labelColumns: columns.labelNames,
      thresholds: endpoint.thresholds,
      monitoring: endpoint.monitoring,
    });
    const stored = await this.store.putReference(id, rowCount, statistics, this.clock());
    await this.store.appendMonitoringEvents([referenceChangedEvent(endpoint, stored, statistics.lineage)]);
    return stored;
  }

  /** Which columns are features, predictions and labels, and their kinds (hints first, then the data). */
  private columnsFor(
    endpoint: EndpointRecord,
    present: string[],
    hint: ReferenceColumnsHint,
    inferredKind: (name: string) => FeatureKind,
  ): ReferenceColumns & { allPredictions: FeatureSpec[]; labelNames: string[] } {
    const categorical = new Set(hint.categorical ?? []);
    const kindOf = (name: string, given?: FeatureKind): FeatureKind =>
      given ?? (categorical.has(name) ? 'categorical' : inferredKind(name));

    const predictionNames = (hint.predictionColumns ?? endpoint.predictionColumns).map((c) => c.name);
    const labelNames = hint.labelColumns ?? endpoint.labelColumns;
    const featureSpecs: FeatureSpec[] = (
      hint.features ??
      (endpoint.features.length > 0
        ? endpoint.features.map((f) => ({ name: f.name }))
        : present
            .filter((c) => !predictionNames.includes(c) && !labelNames.includes(c))
            .map((name) => ({ name })))
    ).map((f: { name: string; kind?: FeatureKind }) => ({ name: f.name, kind: kindOf(f.name, f.kind) }));
    const missingFeatures = featureSpecs.filter((f) => !present.includes(f.name)).map((f) => f.name);
    if (missingFeatures.length) {
      throw new UnprocessableError(`the reference lacks feature columns: ${missingFeatures.join(', ')}`, {
        present,
      });
    }
    const hinted = new Map((hint.predictionColumns ?? []).map((c) => [c.name, c.kind]));
    const predictionSpecs = predictionNames.map((name) => ({
      name,
      kind: present.includes(name)
        ? kindOf(name, hinted.get(name))
        : (endpoint.predictionColumns.find((c) => c.name === name)?.kind ?? 'numeric'),
    }));
    // Labels share the prediction's kind so that agreement compares like with like.
    const labelSpecs = labelNames
      .filter((n) => present.includes(n))
      .map((name, i) => ({ name, kind: predictionSpecs[i]?.kind ?? kindOf(name) }));
    return {
      features: featureSpecs,
      predictions: predictionSpecs.filter((p) => present.includes(p.name)),
      labels: labelSpecs,
      allPredictions: predictionSpecs,
      labelNames,
    };
  }

  async get(id: string, version?: number): Promise<ReferenceRecord> {
    const reference = await this.store.getReference(id, version);
    if (!reference) {
      throw new NotFoundError(
        version === undefined
          ? `endpoint ${id} has no reference yet`
          : `endpoint ${id} has no reference version ${version}`,
      );
    }
    return reference;
  }

  versions(id: string) {
    return this.store.listReferenceVersions(id);
  }

  /**
   * The bins an endpoint's events are counted on under a reference version (default: the active
   * one). Feature order comes from that version's reference, so old aggregates stay readable
   * after a new reference changes the columns.
   */
  async binningFor(endpoint: EndpointRecord, version = endpoint.referenceVersion): Promise<Binning> {
    const key = `${endpoint.id}:${version}`;
    const signature = JSON.stringify([endpoint.features, endpoint.predictionColumns, endpoint.labelColumns]);
    const cached = this.binnings.get(key);
    if (cached && cached.signature === signature) return cached.binning;
    const reference = version > 0 ? await this.store.getReference(endpoint.id, version) : null;
    const statistics = reference ? (reference.statistics as ReferenceStatistics) : null;
    const binning = buildBinning(
      {
        features: statistics
          ? statistics.features.map((c) => ({ name: c.name, kind: c.kind }))
          : endpoint.features,
        predictions: endpoint.predictionColumns,
        labels: endpoint.labelColumns.map((name, i) => ({
          name,
          kind: endpoint.predictionColumns[i]?.kind ?? 'numeric',
        })),
      },
      reference && statistics ? { version: reference.version, statistics } : null,
    );
    if (this.binnings.size > 10_000) this.binnings.clear();
    this.binnings.set(key, { signature, binning });
    return binning;
  }
}
