import { Router } from 'express';
import type { Store } from '../../store/types';

/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the store answers). */
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
      res
        .status(503)
        .json({ error: 'store unreachable', details: { store: store.kind, reason: (err as Error).message } });
    }
  });
  return router;
}
