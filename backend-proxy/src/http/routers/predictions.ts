import { Router } from 'express';
import { assertProject } from '../../auth/apiKeyService';
import { labelBatch, predictionBatch } from '../../monitoring/ingest/eventShapes';
import type { IngestService } from '../../monitoring/ingest/ingestService';
import type { LabelService } from '../../monitoring/ingest/labelService';
import { principalOf, requireScope } from '../authenticate';
import { idempotencyKeyHeader, parse } from '../validation';

/** Prediction ingest and late ground truth; both need `write`. */
export function predictionsRouter(ingest: IngestService, labels: LabelService): Router {
  const router = Router();
  router.use(requireScope('write'));

  router.post('/predictions', async (req, res) => {
    const batch = parse(predictionBatch, req.body, 'body');
    const headerKey = parse(idempotencyKeyHeader, req.get('idempotency-key'), 'header');
    const principal = principalOf(res);
    const receipt = await ingest.ingest({ ...batch, batchId: batch.batchId ?? headerKey }, (project) =>
      assertProject(principal, project),
    );
    // 200 for a replayed batch: nothing new was created.
    res.status(receipt.duplicate ? 200 : 201).json(receipt);
  });

  router.post('/labels', async (req, res) => {
    const items = parse(labelBatch, req.body, 'body');
    const principal = principalOf(res);
    res.status(201).json(await labels.attach(items, (project) => assertProject(principal, project)));
  });

  return router;
}
