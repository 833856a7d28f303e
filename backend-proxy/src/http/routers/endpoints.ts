import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { assertProject, visibleProjects } from '../../auth/apiKeyService';
import { InvalidInputError } from '../../errors';
import type { AccuracyService } from '../../monitoring/analysis/accuracyService';
import type { DriftService } from '../../monitoring/analysis/driftService';
import { DRIFT_POLICY_NAMES } from '../../monitoring/drift/policy/policyConfig';
import type { EndpointService } from '../../monitoring/endpoints/endpointService';
import { parseCsvRows, type ReferenceService } from '../../monitoring/reference/referenceService';
import type { MetricsService } from '../../monitoring/windows/metricsService';
import type { EndpointRecord, Store } from '../../store/types';
import { parseDuration, parseTime } from '../../time';
import { principalOf, requireMethodScope } from '../authenticate';
import { identifier, intParam, listParam, parse, projectName, singleParam } from '../validation';

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
const idParams = z.object({ id: z.string().regex(/^[0-9a-f]{40}$/, 'an endpoint id (40 hex characters)') });

const referenceJson = z.union([
  z
    .array(z.record(z.string(), z.unknown()))
    .min(1)
    .transform((rows) => ({ rows })),
  z.strictObject({
    rows: z.array(z.record(z.string(), z.unknown())).min(1),
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

const windowQuery = z.strictObject({
  from: singleParam.optional(),
  to: singleParam.optional(),
  step: singleParam.optional(),
  maxDataPoints: intParam(1, 100_000).optional(),
  baselineFrom: singleParam.optional(),
  baselineTo: singleParam.optional(),
});

/** [from, to) from `from`/`to` (ISO, epoch ms, now-1h, or a duration ago), defaulting to the last hour. */
export function timeRange(
  q: { from?: string; to?: string },
  now: Date,
  defaultMs = 3_600_000,
): { from: number; to: number } {
  const to = q.to === undefined ? now.getTime() : parseTime(q.to, now, 'to').getTime();
  const from = q.from === undefined ? to - defaultMs : parseTime(q.from, now, 'from').getTime();
  if (from >= to)
    throw new InvalidInputError(
      `"from" (${new Date(from).toISOString()}) must be before "to" (${new Date(to).toISOString()})`,
    );
  return { from, to };
}

export interface EndpointRouterDeps {
  store: Store;
  endpoints: EndpointService;
  references: ReferenceService;
  metrics: MetricsService;
  drift: DriftService;
  accuracy: AccuracyService;
  maxBodyBytes: number;
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

  router.get('/:id', async (req, res) => {
    res.json(await endpointFor(req, res));
  });

  router.put(
    '/:id/reference',
    express.text({ type: ['text/csv', 'text/plain'], limit: deps.maxBodyBytes }),
    async (req, res) => {
      const endpoint = await endpointFor(req, res);
      let stored;
      if (req.is('text/csv') || req.is('text/plain')) {
        const q = parse(referenceCsvQuery, req.query, 'query');
        const rows = parseCsvRows(typeof req.body === 'string' ? req.body : '');
        if (rows.length === 0) throw new InvalidInputError('the CSV has no data rows');
        stored = await references.register(endpoint.id, rows, {
          predictionColumns: q.prediction?.map((name) => ({
            name,
            kind: q.categorical?.includes(name) ? 'categorical' : 'numeric',
          })),
          labelColumns: q.label,
          categorical: q.categorical,
        });
      } else {
        const body = parse(referenceJson, req.body, 'body');
        stored = await references.register(endpoint.id, body.rows, 'features' in body ? body : {});
      }
      res.status(201).json(stored);
    },
  );

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
    const [series, rolling, total] = await Promise.all([
      metrics.series(endpoint.id, range.from, range.to, {
        intervalMs: stepMs,
        maxDataPoints: q.maxDataPoints ?? (stepMs ? undefined : 1_000),
      }),
      metrics.rolling(endpoint.id),
      metrics.window(endpoint.id, range.from, range.to),
    ]);
    res.json({ endpointId: endpoint.id, from: range.from, to: range.to, ...series, total, rolling });
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
    res.json(await drift.report(endpoint, range.from, range.to, baseline));
  });

  router.get('/:id/accuracy', async (req, res) => {
    const endpoint = await endpointFor(req, res);
    const q = parse(
      z.strictObject({ from: singleParam.optional(), to: singleParam.optional() }),
      req.query,
      'query',
    );
    const range = timeRange(q, new Date());
    res.json(await deps.accuracy.report(endpoint, range.from, range.to));
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
