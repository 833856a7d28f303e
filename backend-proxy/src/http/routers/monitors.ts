import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { assertProject, visibleProjects } from '../../auth/apiKeyService';
import { InvalidInputError } from '../../errors';
import type { JobService } from '../../monitoring/jobs/jobService';
import type { Monitor, MonitorService } from '../../monitoring/monitors/monitorService';
import { parseCsvRows } from '../../monitoring/reference/referenceService';
import { parseTime } from '../../time';
import { principalOf, requireMethodScope } from '../authenticate';
import {
  dataRow,
  endpointIdSchema,
  experimentName,
  identifier,
  listParam,
  parse,
  projectName,
} from '../validation';

const monitorBody = z.strictObject({
  name: identifier,
  project: projectName.default('default'),
  kind: z.enum(['data', 'model']).default('data'),
  experiment: experimentName,
  endpoint: endpointIdSchema.nullable().default(null),
  alerts: z
    .array(
      z.strictObject({
        measure: z.enum([
          'status',
          'tvd_mean',
          'hellinger_mean',
          'kld_mean',
          'drifted_share',
          'accuracy_drop',
        ]),
        comparison: z.enum(['>', '>=', '<', '<=']),
        threshold: z.number().finite(),
      }),
    )
    .max(50)
    .default([]),
});
const projectQuery = z.strictObject({ project: projectName.default('default') });
const nameParams = z.object({ name: identifier });
const snapshotBody = z
  .strictObject({
    since: z.literal('last').optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    rows: z.array(dataRow).min(1).max(1_000_000).optional(),
  })
  .default({});
const compareBody = z
  .strictObject({
    baseline: z.number().int().optional(),
    recent: z.number().int().optional(),
    series: z.boolean().default(false),
  })
  .default({ series: false });
const trackBody = z.strictObject({ schedule: z.string().min(1).max(100) });

/** `/api/v1/monitors`: omega-ml's DataDriftMonitor / ModelDriftMonitor over HTTP. */
export function monitorsRouter(monitors: MonitorService, jobs: JobService, maxBodyBytes: number): Router {
  const router = Router();
  router.use(requireMethodScope);

  const monitorFor = async (req: Request, res: Response): Promise<Monitor> => {
    const { project } = parse(projectQuery, req.query, 'query');
    const { name } = parse(nameParams, req.params, 'path');
    assertProject(principalOf(res), project);
    return monitors.get(project, name);
  };

  router.post('/', async (req, res) => {
    const body = parse(monitorBody, req.body, 'body');
    const principal = principalOf(res);
    assertProject(principal, body.project);
    const { endpoint, ...rest } = body;
    res
      .status(201)
      .json(
        await monitors.save({ ...rest, endpointId: endpoint }, (project) =>
          assertProject(principal, project),
        ),
      );
  });

  router.get('/', async (req, res) => {
    const { project } = parse(
      z.strictObject({ project: listParam.pipe(z.array(projectName)).optional() }),
      req.query,
      'query',
    );
    res.json({ monitors: await monitors.list(visibleProjects(principalOf(res), project)) });
  });

  router.get('/:name', async (req, res) => {
    res.json(await monitorFor(req, res));
  });

  router.delete('/:name', async (req, res) => {
    const monitor = await monitorFor(req, res);
    await monitors.remove(monitor.project, monitor.name);
    res.status(204).end();
  });

  router.post(
    '/:name/snapshot',
    express.text({ type: ['text/csv'], limit: maxBodyBytes }),
    async (req, res) => {
      const monitor = await monitorFor(req, res);
      if (req.is('text/csv')) {
        const rows = parseCsvRows(typeof req.body === 'string' ? req.body : '');
        if (rows.length === 0) throw new InvalidInputError('the CSV has no data rows');
        res.status(201).json(await monitors.snapshotRows(monitor, rows));
        return;
      }
      const body = parse(snapshotBody, req.body ?? {}, 'body');
      if (body.rows) {
        res.status(201).json(await monitors.snapshotRows(monitor, body.rows));
        return;
      }
      const now = new Date();
      res.status(201).json(
        await monitors.snapshotEndpoint(monitor, {
          since: body.since,
          from: body.from === undefined ? undefined : parseTime(body.from, now, 'from').getTime(),
          to: body.to === undefined ? undefined : parseTime(body.to, now, 'to').getTime(),
        }),
      );
    },
  );

  router.get('/:name/snapshots', async (req, res) => {
    const monitor = await monitorFor(req, res);
    res.json({ snapshots: await monitors.snapshots(monitor) });
  });

  router.post('/:name/compare', async (req, res) => {
    const monitor = await monitorFor(req, res);
    const body = parse(compareBody, req.body ?? {}, 'body');
    res.json(
      body.series ? { series: await monitors.series(monitor) } : await monitors.compare(monitor, body),
    );
  });

  router.post('/:name/capture', async (req, res) => {
    const monitor = await monitorFor(req, res);
    res.json(await monitors.capture(monitor));
  });

  router.post('/:name/track', async (req, res) => {
    const monitor = await monitorFor(req, res);
    const { schedule } = parse(trackBody, req.body, 'body');
    res.status(201).json(await jobs.track(monitor, schedule));
  });

  return router;
}
