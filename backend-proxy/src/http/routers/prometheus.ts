import { Router, type RequestHandler } from 'express';
import type { PrometheusMetrics } from '../../metrics/prometheusMetrics';
import { filterExpositionByProject } from '../../metrics/projectFilter';
import { principalOf } from '../authenticate';

/**
 * `GET /metrics` in Prometheus' text format; `guard` runs first (auth on the API port, nothing on
 * the metrics port). A key limited to projects sees only their series.
 */
export function prometheusRouter(metrics: PrometheusMetrics, ...guard: RequestHandler[]): Router {
  const router = Router();
  router.get('/metrics', ...guard, async (_req, res) => {
    const body = await metrics.render();
    const projects = guard.length === 0 ? null : principalOf(res).projects;
    res
      .type(metrics.contentType())
      .send(projects === null ? body : filterExpositionByProject(body, new Set(projects)));
  });
  return router;
}
