import { Router, type Response } from 'express';
import type { Access } from '../../grafana/context';
import type { GrafanaService } from '../../grafana/grafanaService';
import {
  annotationRequest,
  metricsRequest,
  payloadOptionsRequest,
  queryRequest,
  searchRequest,
  tagKeysRequest,
  tagValuesRequest,
  variableRequest,
} from '../../grafana/requests';
import { principalOf, requireScope } from '../authenticate';
import { parse } from '../validation';

/**
 * The SimpleJSON-style API for Grafana's JSON data sources (classic SimpleJSON, simpod, Infinity).
 * Every route only reads, so all need the `read` scope although most are POSTs.
 */
export function grafanaRouter(grafana: GrafanaService): Router {
  const router = Router();
  router.use(requireScope('read'));
  const access = (res: Response): Access => principalOf(res);

  // "Save & test": reaching here means the key (if keys exist) was accepted.
  router.get('/', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.post('/search', async (req, res) => {
    res.json(await grafana.search(parse(searchRequest, req.body ?? {}, 'body'), access(res)));
  });

  router.post('/metrics', (req, res) => {
    parse(metricsRequest, req.body ?? {}, 'body');
    res.json(grafana.metrics());
  });

  router.post('/metric-payload-options', async (req, res) => {
    res.json(await grafana.metricPayloadOptions(parse(payloadOptionsRequest, req.body, 'body'), access(res)));
  });

  router.post('/query', async (req, res) => {
    res.json(await grafana.query(parse(queryRequest, req.body, 'body'), access(res)));
  });

  router.post('/annotations', async (req, res) => {
    res.json(await grafana.annotations(parse(annotationRequest, req.body, 'body'), access(res)));
  });

  router.post('/variable', async (req, res) => {
    res.json(await grafana.variable(parse(variableRequest, req.body ?? {}, 'body'), access(res)));
  });

  router.post('/tag-keys', (req, res) => {
    parse(tagKeysRequest, req.body ?? {}, 'body');
    res.json(grafana.tagKeys());
  });

  router.post('/tag-values', async (req, res) => {
    res.json(await grafana.tagValues(parse(tagValuesRequest, req.body, 'body'), access(res)));
  });

  return router;
}
