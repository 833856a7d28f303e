import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { assertProject, visibleProjects } from '../../auth/apiKeyService';
import { InvalidInputError, PayloadTooLargeError } from '../../errors';
import type { AccuracyService } from '../../monitoring/analysis/accuracyService';
import type { EstimatedPerformanceService } from '../../monitoring/analysis/estimatedPerformanceService';
import type { DriftService } from '../../monitoring/analysis/driftService';
import { DRIFT_POLICY_NAMES } from '../../monitoring/drift/policy/policyConfig';
import type { EndpointService } from '../../monitoring/endpoints/endpointService';
import { firstTrafficEvents } from '../../monitoring/endpoints/firstTraffic';
import { FIRST_TRAFFIC_EVENT } from '../../monitoring/reference/referenceEvents';
import type { ReferenceService } from '../../monitoring/reference/referenceService';
import type { DataFormat } from '../../monitoring/reference/rowSources';
import type { ReferenceStatistics } from '../../monitoring/reference/types';
import { PREDICTION_TASKS } from '../../monitoring/accuracy/predictionTasks';
import { taskSettingOf } from '../../monitoring/accuracy/task';
import type { MetricsService } from '../../monitoring/windows/metricsService';
import type { SegmentService } from '../../monitoring/segments/segmentService';
import { aggregatesIdOf, segmentOf, type SegmentScope } from '../../monitoring/segments/segmentScope';
import type { EndpointRecord, Store } from '../../store/types';
import { parseDuration } from '../../time';
import { timeRange } from '../timeRange';
import { principalOf, requireMethodScope } from '../authenticate';
import { spoolBody } from '../spoolBody';
import {
  dataRow,
  endpointIdSchema,
  identifier,
  intParam,
  listParam,
  parse,
  projectName,
  singleParam,
} from '../validation';
import { requestedSegments, segmentQuery } from './segments';

const featureSpec = z.strictObject({
  name: z.string().min(1).max(256),
  kind: z.enum(['numeric', 'categorical']),
});
/** Drift policy settings (policy/policyConfig.ts): any subset, the rest comes from the project or the defaults. */
const thresholds = z
  .strictObject({
    policy: z.enum(DRIFT_POLICY_NAMES).optional(),
    minSample: z.number().int().min(1).max(1_000_000_000).optional(),
    alpha: z.number().gt(0).lt(1).optional(),
    numericEffect: z.number().min(0).optional(),
    categoricalEffect: z.number().min(0).max(1).optional(),
    driftShare: z.number().gt(0).max(1).optional(),
    possibleDrift: z.number().min(0).max(1).optional(),
    driftDetected: z.number().min(0).max(1).optional(),
  })
  .refine(
    (t) =>
      t.possibleDrift === undefined || t.driftDetected === undefined || t.possibleDrift <= t.driftDetected,
    'possibleDrift must not exceed driftDetected',
  );
const labelKey = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.\-/]{0,63}$/, 'label keys: letters, digits and "_ . - /"');

export const endpointSpecBody = z.strictObject({
  project: projectName.default('default'),
  model: identifier,
  version: identifier.optional(),
  function: identifier.optional(),
  modelClass: z.string().max(256).optional(),
  labels: z.record(labelKey, z.string().max(256)).optional(),
  features: z.array(featureSpec).max(10_000).optional(),
  predictionColumns: z.array(featureSpec).min(1).max(1_000).optional(),
  labelColumns: z.array(z.string().min(1).max(256)).max(1_000).optional(),
  thresholds: thresholds.nullable().optional(),
  /** Overrides task inference (accuracy/task.ts); null clears it. */
  task: z.enum(PREDICTION_TASKS).nullable().optional(),
  monitoring: z.boolean().optional(),
});

const listQuery = z.strictObject({
  project: listParam.pipe(z.array(projectName)).optional(),
  model: listParam.pipe(z.array(identifier)).optional(),
  function: listParam.pipe(z.array(identifier)).optional(),
  label: listParam
    .pipe(z.array(z.string().regex(/^[^=:]+[=:].*$/, 'label filters look like key=value')))
    .transform((pairs) =>
      Object.fromEntries(
        pairs.map((p) => [p.split(/[=:]/, 1)[0], p.slice(p.split(/[=:]/, 1)[0].length + 1)]),
      ),
    )
    .pipe(z.record(labelKey, z.string()))
    .optional(),
  offset: intParam(0, 1_000_000_000).default(0),
  limit: intParam(1, 10_000).default(100),
});
const idParams = z.object({ id: endpointIdSchema });

const referenceJson = z.union([
  z
    .array(dataRow)
    .min(1)
    .transform((rows) => ({ rows })),
  z.strictObject({
    rows: z.array(dataRow).min(1),
    features: endpointSpecBody.shape.features,
    predictionColumns: endpointSpecBody.shape.predictionColumns,
    labelColumns: endpointSpecBody.shape.labelColumns,
    categorical: z.array(z.string()).optional(),
  }),
]);
const referenceCsvQuery = z.strictObject({
  prediction: listParam.optional(),
  label: listParam.optional(),
  categorical: listParam.optional(),
});
/** A run's data artifact as the reference: PUT /endpoints/:id/reference with this JSON body. */
const referenceFromRun = z.strictObject({
  project: projectName.optional(),
  experiment: identifier,
  run: z.number().int().min(1),
  artifact: z.string().min(1).max(512),
  prediction: z.array(z.string().min(1).max(256)).max(1_000).optional(),
  label: z.array(z.string().min(1).max(256)).max(1_000).optional(),
  categorical: z.array(z.string().min(1).max(256)).max(10_000).optional(),
});
/** Content types of a streamed reference upload (any size up to the artifact limit, gzip or not). */
const STREAMED_TYPES: Record<string, DataFormat> = {
  'text/csv': 'csv',
  'text/plain': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
};

function columnsHint(q: { prediction?: string[]; label?: string[]; categorical?: string[] }) {
  return {
    predictionColumns: q.prediction?.map((name) => ({
      name,
      kind: q.categorical?.includes(name) ? ('categorical' as const) : ('numeric' as const),
    })),
    labelColumns: q.label,
    categorical: q.categorical,
  };
}

const windowQuery = z.strictObject({
  ...segmentQuery,
  from: singleParam.optional(),
  to: singleParam.optional(),
  step: singleParam.optional(),
  maxDataPoints: intParam(1, 100_000).optional(),
  baselineFrom: singleParam.optional(),
  baselineTo: singleParam.optional(),
});

const estimateQuery = z.strictObject({
  from: singleParam.optional(),
  to: singleParam.optional(),
  score: singleParam.optional(),
  positive: singleParam.optional(),
  threshold: z.coerce.number().finite().default(0.5),
});

export interface EndpointRouterDeps {
  store: Store;
  endpoints: EndpointService;
  references: ReferenceService;
  metrics: MetricsService;
  drift: DriftService;
  accuracy: AccuracyService;
  estimatedPerformance: EstimatedPerformanceService;
  segments: SegmentService;
  maxBodyBytes: number;
  /** Largest streamed reference upload (the artifact limit). */
  maxUploadBytes: number;
}

export function endpointsRouter(deps: EndpointRouterDeps): Router {
  const { endpoints, references, metrics, drift } = deps;
  const router = Router();
  router.use(requireMethodScope);

  const endpointFor = async (req: Request, res: Response): Promise<EndpointRecord> => {
    const { id } = parse(idParams, req.params, 'path');
    const endpoint = await endpoints.get(id);
    assertProject(principalOf(res), endpoint.project);
    return endpoint;
  };

  /**
   * One answer for the whole endpoint (no segmentKey) or one segment; every segment of a key as
   * `{endpointId, segmentKey, segments: [answer, ...]}`.
   */
  const perSegment = async <T extends object>(
    endpoint: EndpointRecord,
    q: { segmentKey?: string; segment?: string },
    answer: (segment: SegmentScope | null) => Promise<T>,
  ): Promise<T | { endpointId: string; segmentKey: string; segments: T[] }> => {
    const scopes = await requestedSegments(deps.segments, endpoint, q);
    if (scopes === null) return answer(null);
    if (q.segment !== undefined) return answer(scopes[0]);
    return {
      endpointId: endpoint.id,
      segmentKey: q.segmentKey as string,
      segments: await Promise.all(scopes.map(answer)),
    };
  };

  router.post('/', async (req, res) => {
    const spec = parse(endpointSpecBody, req.body, 'body');
    assertProject(principalOf(res), spec.project);
    const { endpoint, created } = await endpoints.register(spec);
    res.status(created ? 201 : 200).json(endpoint);
  });

  router.get('/', async (req, res) => {
    const q = parse(listQuery, req.query, 'query');
    const projects = visibleProjects(principalOf(res), q.project);
    const page = await endpoints.list(
      { projects, models: q.model, functions: q.function, labels: q.label },
      { offset: q.offset, limit: q.limit },
    );
    res.json({ endpoints: page.items, total: page.total, offset: q.offset, limit: q.limit });
  });

  /** The endpoint, with where its active reference came from (`referenceLineage`: null when uploaded). */
  router.get('/:id', async (req, res) => {
    const endpoint = await endpointFor(req, res);
    const reference = endpoint.referenceVersion > 0 ? await deps.store.getReference(endpoint.id) : null;
    const lineage = (reference?.statistics as ReferenceStatistics | undefined)?.lineage ?? null;
    res.json({ ...endpoint, referenceLineage: lineage, segments: await deps.segments.describe(endpoint) });
  });

  /**
   * CSV or NDJSON (optionally gzip-compressed, recognised by its bytes) is streamed to a temporary
   * file up to the artifact limit, then read twice; JSON rows in the body, or a run's artifact.
   */
  router.put('/:id/reference', async (req, res) => {
    const endpoint = await endpointFor(req, res);
    const format = STREAMED_TYPES[(req.get('content-type') ?? '').split(';')[0].trim().toLowerCase()];
    if (format) {
      const q = parse(referenceCsvQuery, req.query, 'query');
      const declared = Number(req.get('content-length') ?? NaN);
      if (declared > deps.maxUploadBytes)
        throw new PayloadTooLargeError(`the upload exceeds the limit of ${deps.maxUploadBytes} bytes`);
      const build = references.builds.start(endpoint.id, Number.isFinite(declared) ? declared : null);
      try {
        const body = await spoolBody(req, deps.maxUploadBytes, (bytes) => build.update('receiving', bytes));
        try {
          const stored = await references.registerBytes(
            endpoint.id,
            { name: 'upload', format, gzip: body.gzip, totalBytes: body.bytes, open: body.open },
            columnsHint(q),
            build,
          );
          res.status(201).json(stored);
        } finally {
          await body.remove();
        }
      } finally {
        build.end();
      }
      return;
    }
    if (!req.is('application/json'))
      throw new InvalidInputError(
        `a reference is JSON rows, {experiment, run, artifact}, CSV (text/csv) or NDJSON (application/x-ndjson); got "${req.get('content-type') ?? 'no content type'}"`,
      );
    if (req.body && typeof req.body === 'object' && !Array.isArray(req.body) && 'artifact' in req.body) {
      const body = parse(referenceFromRun, req.body, 'body');
      const project = body.project ?? endpoint.project;
      assertProject(principalOf(res), project);
      const stored = await references.registerFromArtifact(
        endpoint.id,
        { project, experiment: body.experiment, run: body.run, artifact: body.artifact },
        columnsHint(body),
      );
      res.status(201).json(stored);
      return;
    }
    const body = parse(referenceJson, req.body, 'body');
    const stored = await references.register(endpoint.id, body.rows, 'features' in body ? body : {});
    res.status(201).json(stored);
  });

  /** Markers of the endpoint: reference changes, first traffic of the version, drift status changes, alerts. */
  router.get('/:id/events', async (req, res) => {
    const endpoint = await endpointFor(req, res);
    const q = parse(
      z.strictObject({
        from: singleParam.optional(),
        to: singleParam.optional(),
        kind: listParam.optional(),
        limit: intParam(1, 10_000).default(1_000),
      }),
      req.query,
      'query',
    );
    const range = timeRange(q, new Date(), 30 * 86_400_000);
    const from = new Date(range.from);
    const to = new Date(range.to);
    const stored = await deps.store.listMonitoringEvents({
      from,
      to,
      endpointIds: [endpoint.id],
      kinds: q.kind,
      limit: q.limit,
    });
    const derived =
      !q.kind || q.kind.includes(FIRST_TRAFFIC_EVENT) ? firstTrafficEvents([endpoint], from, to) : [];
    const events = [...stored, ...derived]
      .sort((a, b) => a.time.getTime() - b.time.getTime())
      .slice(0, q.limit);
    res.json({ events });
  });

  router.get('/:id/reference/progress', async (req, res) => {
    const endpoint = await endpointFor(req, res);
    res.json({ builds: references.builds.of(endpoint.id) });
  });

  router.get('/:id/reference', async (req, res) => {
    const endpoint = await endpointFor(req, res);
    const { version } = parse(
      z.strictObject({ version: intParam(1, 1_000_000).optional() }),
      req.query,
      'query',
    );
    res.json(await references.get(endpoint.id, version));
  });

  router.get('/:id/reference/versions', async (req, res) => {
    const endpoint = await endpointFor(req, res);
    res.json({ versions: await references.versions(endpoint.id) });
  });

  router.get('/:id/metrics', async (req, res) => {
    const endpoint = await endpointFor(req, res);
    const q = parse(windowQuery, req.query, 'query');
    const range = timeRange(q, new Date());
    const stepMs = q.step === undefined ? undefined : (parseDuration(q.step) ?? undefined);
    if (q.step !== undefined && stepMs === undefined)
      throw new InvalidInputError(`step "${q.step}" is not a duration like 1m, 15m, 1h`);
    const figures = async (segment: SegmentScope | null) => {
      const aggregatesId = aggregatesIdOf(endpoint.id, segment);
      const [series, rolling, total] = await Promise.all([
        metrics.series(aggregatesId, taskSettingOf(endpoint), range.from, range.to, {
          intervalMs: stepMs,
          maxDataPoints: q.maxDataPoints ?? (stepMs ? undefined : 1_000),
        }),
        metrics.rolling(aggregatesId),
        metrics.window(aggregatesId, taskSettingOf(endpoint), range.from, range.to),
      ]);
      return {
        endpointId: endpoint.id,
        ...segmentOf(segment),
        from: range.from,
        to: range.to,
        ...series,
        total,
        rolling,
      };
    };
    res.json(await perSegment(endpoint, q, figures));
  });

  router.get('/:id/drift', async (req, res) => {
    const endpoint = await endpointFor(req, res);
    const q = parse(windowQuery, req.query, 'query');
    const now = new Date();
    const range = timeRange(q, now);
    const baseline =
      q.baselineFrom !== undefined || q.baselineTo !== undefined
        ? timeRange({ from: q.baselineFrom, to: q.baselineTo }, now)
        : undefined;
    res.json(
      await perSegment(endpoint, q, (segment) =>
        drift.report(endpoint, range.from, range.to, baseline, segment ?? undefined),
      ),
    );
  });

  router.get('/:id/accuracy', async (req, res) => {
    const endpoint = await endpointFor(req, res);
    const q = parse(
      z.strictObject({ ...segmentQuery, from: singleParam.optional(), to: singleParam.optional() }),
      req.query,
      'query',
    );
    const range = timeRange(q, new Date());
    res.json(
      await perSegment(endpoint, q, (segment) =>
        deps.accuracy.report(endpoint, range.from, range.to, segment ?? undefined),
      ),
    );
  });

  router.get('/:id/estimated-performance', async (req, res) => {
    const endpoint = await endpointFor(req, res);
    const q = parse(estimateQuery, req.query, 'query');
    const range = timeRange(q, new Date());
    res.json(
      await deps.estimatedPerformance.report(endpoint, range.from, range.to, {
        score: q.score,
        positive: q.positive,
        threshold: q.threshold,
      }),
    );
  });

  router.get('/:id/samples', async (req, res) => {
    const endpoint = await endpointFor(req, res);
    const q = parse(
      z.strictObject({
        from: singleParam.optional(),
        to: singleParam.optional(),
        limit: intParam(1, 10_000).default(500),
      }),
      req.query,
      'query',
    );
    const range = timeRange(q, new Date());
    res.json({
      samples: await deps.store.listSamples(endpoint.id, new Date(range.from), new Date(range.to), q.limit),
    });
  });

  return router;
}

export const projectSettingsBody = z.strictObject({ thresholds: thresholds.nullable() });
