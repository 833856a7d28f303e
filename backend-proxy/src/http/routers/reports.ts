import { Router } from 'express';
import { z } from 'zod';
import { assertProject, assertScope } from '../../auth/apiKeyService';
import { DRIFT_METRICS, type DriftMetric } from '../../monitoring/drift/registry';
import { parseCsvRows } from '../../monitoring/reference/referenceService';
import type { ReportService } from '../../reports/reportService';
import { withMissingMarkers } from '../../reports/csvColumns';
import { principalOf } from '../authenticate';
import { dataRow, experimentName, identifier, parse, projectName } from '../validation';

// A dataset is JSON rows or CSV text.
const dataset = z.union([z.array(dataRow).min(1).max(1_000_000), z.string().min(1)]);
const compareBody = z.strictObject({
  experiment: experimentName,
  report: identifier.default('compare'),
  reference: dataset,
  current: dataset,
  target: z.string().min(1).max(256).optional(),
  prediction: z.string().min(1).max(256).optional(),
  tests: z
    .record(
      z.string().min(1).max(256),
      z.strictObject({
        metric: z.enum(DRIFT_METRICS as [DriftMetric, ...DriftMetric[]]),
        threshold: z.number().finite().optional(),
      }),
    )
    .optional(),
  driftShare: z.number().gt(0).max(1).optional(),
  sharedColumns: z.boolean().optional(),
});

/** `/api/v1/reports`: the batch reference-vs-current report of `driftwatch compare`, kept in an experiment. */
export function reportsRouter(reports: ReportService): Router {
  const router = Router();

  router.post('/compare', async (req, res) => {
    assertScope(principalOf(res), 'write');
    const { project } = parse(
      z.strictObject({ project: projectName.default('default') }),
      req.query,
      'query',
    );
    assertProject(principalOf(res), project);
    const body = parse(compareBody, req.body, 'body');
    // CSV text reads as `driftwatch compare` reads a file: NA, NaN, null... are missing.
    const rows = (d: z.output<typeof dataset>) =>
      typeof d === 'string' ? withMissingMarkers(parseCsvRows(d)) : d;
    const result = await reports.compare(
      { project, name: body.experiment, report: body.report },
      rows(body.reference),
      rows(body.current),
      {
        target: body.target,
        prediction: body.prediction,
        tests: body.tests,
        driftShare: body.driftShare,
        sharedColumns: body.sharedColumns,
      },
    );
    res.status(201).json(result);
  });

  return router;
}
