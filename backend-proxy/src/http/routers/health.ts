import { Router } from 'express';
import { UnavailableError } from '../../errors';
import type { Store } from '../../store/types';

/**
 * Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the store commits a probe
 * write and no store fault was seen in the last Retry-After seconds; see store/storeFault.ts).
 */
export function healthRouter(store: Store): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await store.ping();
      res.json({ status: 'ready', store: store.kind });
    } catch (err) {
      if (err instanceof UnavailableError && err.retryAfterSeconds !== undefined)
        res.set('Retry-After', String(err.retryAfterSeconds));
      res
        .status(503)
        .json({ error: 'store unreachable', details: { store: store.kind, reason: (err as Error).message } });
    }
  });
  return router;
}
