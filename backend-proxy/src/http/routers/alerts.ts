import { Router } from 'express';
import { z } from 'zod';
import { assertProject, visibleProjects } from '../../auth/apiKeyService';
import { ALERT_METRICS } from '../../monitoring/alerts/alertRules';
import type { AlertService } from '../../monitoring/alerts/alertService';
import type { DeliveryService } from '../../monitoring/alerts/deliveryService';
import { principalOf, requireMethodScope } from '../authenticate';
import { endpointIdSchema, listParam, parse, projectName } from '../validation';
import { segmentKeySchema, segmentValueSchema } from '../../schemas/names';

const ruleBody = z
  .strictObject({
    name: z.string().min(1).max(128),
    project: projectName.default('default'),
    endpoint: endpointIdSchema.nullable().default(null),
    metric: z.enum(ALERT_METRICS),
    feature: z.string().min(1).max(256).nullable().default(null),
    comparison: z.enum(['>', '>=', '<', '<=', '==', '!=']),
    threshold: z.number().finite(),
    for: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(0),
    webhooks: z
      .array(z.url({ protocol: /^https?$/ }))
      .max(10)
      .default([]),
    enabled: z.boolean().default(true),
    /** The rule's metric is computed on this segment of the endpoint (routers/segments.ts declares them). */
    segment: z.strictObject({ key: segmentKeySchema, value: segmentValueSchema }).nullable().default(null),
  })
  .refine((r) => !r.metric.startsWith('feature_') || r.feature !== null, 'feature_* metrics need "feature"')
  .refine((r) => r.segment === null || r.endpoint !== null, {
    message: 'a segment rule needs "endpoint" (segment keys are declared per endpoint)',
    path: ['segment'],
  });
const projectsQuery = z.strictObject({ project: listParam.pipe(z.array(projectName)).optional() });
const idParams = z.object({ id: z.uuid() });

/** `/api/v1/alerts`: alert rules, their current states, and webhook deliveries. */
export function alertsRouter(alerts: AlertService, deliveries: DeliveryService): Router {
  const router = Router();
  router.use(requireMethodScope);

  router.post('/rules', async (req, res) => {
    const { endpoint, for: forSeconds, ...body } = parse(ruleBody, req.body, 'body');
    const principal = principalOf(res);
    assertProject(principal, body.project);
    res
      .status(201)
      .json(
        await alerts.create({ ...body, endpointId: endpoint, forSeconds }, (project) =>
          assertProject(principal, project),
        ),
      );
  });

  router.get('/rules', async (req, res) => {
    const { project } = parse(projectsQuery, req.query, 'query');
    res.json({ rules: await alerts.list(visibleProjects(principalOf(res), project)) });
  });

  router.delete('/rules/:id', async (req, res) => {
    const { id } = parse(idParams, req.params, 'path');
    assertProject(principalOf(res), (await alerts.get(id)).project);
    await alerts.remove(id);
    res.status(204).end();
  });

  router.get('/', async (req, res) => {
    const { project } = parse(projectsQuery, req.query, 'query');
    res.json({ alerts: await alerts.states(visibleProjects(principalOf(res), project)) });
  });

  router.get('/deliveries', async (req, res) => {
    const { project } = parse(projectsQuery, req.query, 'query');
    res.json({ deliveries: await deliveries.list(visibleProjects(principalOf(res), project)) });
  });

  return router;
}
