import { Router, type Request, type Response } from 'express';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { z } from 'zod';
import { assertProject, visibleProjects } from '../../auth/apiKeyService';
import { PayloadTooLargeError } from '../../errors';
import type { ExperimentRef } from '../../store/types';
import type { ExperimentService, Origin } from '../../tracking/experimentService';
import { parseTime } from '../../time';
import { principalOf, requireMethodScope } from '../authenticate';
import {
  booleanParam,
  experimentName,
  idempotencyKeyHeader,
  identifier,
  intParam,
  listParam,
  parse,
  plainJson,
  projectName,
  singleParam,
} from '../validation';

const MAX_EVENTS_PER_REQUEST = 10_000;
const NDJSON = 'application/x-ndjson';

const projectQuery = z.object({ project: projectName.default('default') }).loose();
const nameParams = z.object({ name: experimentName });
const runParams = nameParams.extend({ run: intParam(1, Number.MAX_SAFE_INTEGER) });
const artifactParams = runParams.extend({
  artifact: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/, 'letters, digits and "_ . -" (max 200)'),
});

const jsonValue: z.ZodType<unknown> = plainJson.refine((v) => v !== undefined, 'required');
const eventInput = z.strictObject({
  event: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/, 'an event kind: letters, digits and "_ . -" (max 64)'),
  key: z.string().min(1).max(256),
  value: jsonValue,
  run: z.number().int().min(1).optional(),
  step: z.number().finite().optional(),
  dt: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional(),
  name: z.string().max(256).optional(),
  node: z.string().max(256).optional(),
});
const eventList = z.array(eventInput).min(1).max(MAX_EVENTS_PER_REQUEST);
const eventEnvelope = z.strictObject({ events: eventList }).transform((b) => b.events);
const singleEvent = eventInput.transform((e) => [e]);
/** One event, an array, or `{events: [...]}`: the schema is picked by shape so errors name the real problem. */
const eventsBodySchema = (body: unknown) =>
  Array.isArray(body)
    ? eventList
    : typeof body === 'object' && body !== null && 'events' in body
      ? eventEnvelope
      : singleEvent;
const stopBody = z
  .strictObject({
    status: z.enum(['STOPPED', 'FAILED']).default('STOPPED'),
    error: z.string().max(10_000).optional(),
  })
  .optional();
const startBody = z.strictObject({ provider: identifier.optional() }).optional();

const dataQuery = z.strictObject({
  project: projectName.default('default'),
  run: singleParam.optional(),
  event: listParam.optional(),
  key: listParam.optional(),
  step: listParam.pipe(z.array(z.string().transform(Number).pipe(z.number().finite()))).optional(),
  since: singleParam.optional(),
  end: singleParam.optional(),
  cursor: singleParam.optional(),
  limit: intParam(1, 10_000).default(1_000),
  batchsize: intParam(1, 10_000).optional(),
});
const clearQuery = z.strictObject({
  project: projectName.default('default'),
  force: booleanParam.default(false),
});
const summaryQuery = z.strictObject({
  project: projectName.default('default'),
  run: singleParam.default('all'),
});

function experimentRef(req: Request, res: Response): ExperimentRef {
  const { project } = parse(projectQuery, req.query, 'query');
  const { name } = parse(nameParams, req.params, 'path');
  assertProject(principalOf(res), project);
  return { project, name };
}

const nodeHeader = z.string().min(1).max(256).optional();

function origin(req: Request, res: Response): Origin {
  const node = parse(nodeHeader, req.get('x-driftwatch-node'), 'header');
  return { node: node ?? req.ip ?? 'unknown', userid: principalOf(res).name };
}

/** Counts bytes through and fails the stream once past the limit, so uploads are never buffered whole. */
function byteLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > limit) callback(new PayloadTooLargeError(`artifact exceeds the limit of ${limit} bytes`));
      else callback(null, chunk);
    },
  });
}

export function experimentsRouter(experiments: ExperimentService, maxArtifactBytes: number): Router {
  const router = Router();
  router.use(requireMethodScope);

  router.get('/', async (req, res) => {
    const { project } = parse(
      z.object({ project: listParam.pipe(z.array(projectName)).optional() }).loose(),
      req.query,
      'query',
    );
    const list = await experiments.list(visibleProjects(principalOf(res), project));
    res.json({ experiments: list });
  });

  router.get('/:name', async (req, res) => {
    res.json(await experiments.get(experimentRef(req, res)));
  });

  router.delete('/:name', async (req, res) => {
    const ref = experimentRef(req, res);
    const { force } = parse(clearQuery, req.query, 'query');
    await experiments.clear(ref, force);
    res.status(204).end();
  });

  router.post('/:name/runs', async (req, res) => {
    const ref = experimentRef(req, res);
    const body = parse(startBody, req.body, 'body');
    const { experiment, run } = await experiments.startRun(ref, body?.provider, origin(req, res));
    res.status(201).json({ ...run, experiment: experiment.name, provider: experiment.provider });
  });

  router.post('/:name/runs/:run/stop', async (req, res) => {
    const ref = experimentRef(req, res);
    const { run } = parse(runParams, req.params, 'path');
    const outcome = parse(stopBody, req.body, 'body');
    res.json(await experiments.stopRun(ref, run, origin(req, res), outcome));
  });

  router.post('/:name/events', async (req, res) => {
    const ref = experimentRef(req, res);
    const events = parse(eventsBodySchema(req.body), req.body, 'body');
    const batchId = parse(idempotencyKeyHeader, req.get('idempotency-key'), 'header');
    const receipt = await experiments.logEvents(ref, events, origin(req, res), batchId);
    // 200 for a replayed batch: nothing new was created.
    res.status(receipt.duplicate ? 200 : 201).json(receipt);
  });

  router.get('/:name/summary', async (req, res) => {
    const ref = experimentRef(req, res);
    const { run } = parse(summaryQuery, req.query, 'query');
    res.json({ runs: await experiments.summary(ref, run) });
  });

  router.get('/:name/data', async (req, res) => {
    const ref = experimentRef(req, res);
    const q = parse(dataQuery, req.query, 'query');
    const now = new Date();
    const filter = {
      run: q.run,
      events: q.event,
      keys: q.key,
      steps: q.step,
      since: q.since === undefined ? undefined : parseTime(q.since, now, 'since'),
      end: q.end === undefined ? undefined : parseTime(q.end, now, 'end'),
    };
    if (req.accepts(['application/json', NDJSON]) === NDJSON) {
      res.type(NDJSON);
      for await (const event of experiments.streamData(ref, filter)) {
        // A client that leaves while the socket is backed up never drains: closing ends the wait too.
        if (!res.write(`${JSON.stringify(event)}\n`))
          await new Promise((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
        if (res.destroyed) return;
      }
      res.end();
      return;
    }
    const page = await experiments.queryData(ref, filter, { after: q.cursor, limit: q.batchsize ?? q.limit });
    res.json({ events: page.events, cursor: page.next ?? null });
  });

  router.put('/:name/runs/:run/artifacts/:artifact', async (req, res) => {
    const ref = experimentRef(req, res);
    const { run, artifact } = parse(artifactParams, req.params, 'path');
    const declared = Number(req.get('content-length') ?? NaN);
    if (declared > maxArtifactBytes)
      throw new PayloadTooLargeError(`artifact exceeds the limit of ${maxArtifactBytes} bytes`);
    const contentType = req.get('content-type') ?? 'application/octet-stream';
    // pipeline (not pipe) passes a client abort on, so the store's write fails and removes its temp file.
    const body = byteLimit(maxArtifactBytes);
    pipeline(req, body, () => undefined);
    const meta = await experiments.putArtifact(ref, run, artifact, contentType, body, origin(req, res));
    res.status(201).json(meta);
  });

  router.get('/:name/runs/:run/artifacts/:artifact', async (req, res) => {
    const ref = experimentRef(req, res);
    const { run, artifact } = parse(artifactParams, req.params, 'path');
    const { meta, body } = await experiments.openArtifact(ref, run, artifact);
    res.set({
      'content-type': meta.contentType,
      'content-length': String(meta.size),
      etag: `"${meta.sha256}"`,
    });
    body.on('error', (err) => res.destroy(err));
    body.pipe(res);
  });

  return router;
}
