import { Router, type RequestHandler } from 'express';
import type { PrometheusMetrics } from '../../metrics/prometheusMetrics';

/** `GET /metrics` in Prometheus' text format; `guard` runs first (auth on the API port, nothing on the metrics port). */
export function prometheusRouter(metrics: PrometheusMetrics, ...guard: RequestHandler[]): Router {
  const router = Router();
  router.get('/metrics', ...guard, async (_req, res) => {
    const body = await metrics.render();
    res.type(metrics.contentType()).send(body);
  });
  return router;
}
