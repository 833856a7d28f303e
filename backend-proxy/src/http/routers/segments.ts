import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { assertProject } from '../../auth/apiKeyService';
import { InvalidInputError } from '../../errors';
import type { EndpointService } from '../../monitoring/endpoints/endpointService';
import {
  DEFAULT_SEGMENT_BUDGET,
  MAX_SEGMENT_BUDGET,
  MAX_SEGMENT_KEYS,
  TAG_NAME_PATTERN,
} from '../../monitoring/segments/segmentDeclaration';
import type { SegmentDriftService } from '../../monitoring/segments/segmentDrift';
import type { SegmentScope } from '../../monitoring/segments/segmentScope';
import type { SegmentService } from '../../monitoring/segments/segmentService';
import type { EndpointRecord } from '../../store/types';
import { principalOf, requireMethodScope } from '../authenticate';
import { timeRange } from '../timeRange';
import { endpointIdSchema, intParam, parse, singleParam } from '../validation';
import { segmentKeySchema, segmentValueSchema } from '../../schemas/names';

const source = z.union(
  [
    z.strictObject({ feature: z.string().min(1).max(256) }),
    z.strictObject({
      tag: z.string().regex(TAG_NAME_PATTERN, 'a tag name: letters, digits and "_ . -" (max 64)'),
    }),
  ],
  { error: 'source is {"feature": "<feature name>"} or {"tag": "<tag name>"}' },
);

export const segmentsBody = z.strictObject({
  segments: z
    .array(
      z.strictObject({
        key: segmentKeySchema,
        source,
        budget: z.number().int().min(1).max(MAX_SEGMENT_BUDGET).default(DEFAULT_SEGMENT_BUDGET),
      }),
    )
    .max(MAX_SEGMENT_KEYS, `at most ${MAX_SEGMENT_KEYS} segment keys per endpoint`),
});

/** `segmentKey` (+ `segment`) on a window query: one segment, or every segment of the key. */
export const segmentQuery = {
  segmentKey: segmentKeySchema.optional(),
  segment: segmentValueSchema.optional(),
};

/**
 * The segments a window query asks for: null without `segmentKey` (the whole endpoint), else the
 * one named by `segment` or every segment of the key. `segment` without `segmentKey` is a 400.
 */
export async function requestedSegments(
  segments: SegmentService,
  endpoint: EndpointRecord,
  q: { segmentKey?: string; segment?: string },
): Promise<SegmentScope[] | null> {
  if (q.segmentKey === undefined) {
    if (q.segment !== undefined)
      throw new InvalidInputError('invalid query', [
        { path: 'query.segmentKey', message: 'segment needs segmentKey (the key the value belongs to)' },
      ]);
    return null;
  }
  return segments.scopes(endpoint, q.segmentKey, q.segment === undefined ? undefined : [q.segment]);
}

const idParams = z.object({ id: endpointIdSchema });
const rankingQuery = z.strictObject({
  from: singleParam.optional(),
  to: singleParam.optional(),
  segmentKey: segmentKeySchema.optional(),
  limit: intParam(1, 1_000).default(10),
});

export interface SegmentRouterDeps {
  endpoints: EndpointService;
  segments: SegmentService;
  segmentDrift: SegmentDriftService;
}

/** Declaring an endpoint's segments, and the "which segments drift most" ranking. */
export function segmentsRouter(deps: SegmentRouterDeps): Router {
  const router = Router();
  router.use(requireMethodScope);

  const endpointFor = async (req: Request, res: Response): Promise<EndpointRecord> => {
    const { id } = parse(idParams, req.params, 'path');
    const endpoint = await deps.endpoints.get(id);
    assertProject(principalOf(res), endpoint.project);
    return endpoint;
  };

  router.put('/:id/segments', async (req, res) => {
    const endpoint = await endpointFor(req, res);
    const body = parse(segmentsBody, req.body, 'body');
    res.json({ endpointId: endpoint.id, segments: await deps.segments.declare(endpoint, body.segments) });
  });

  router.get('/:id/segments', async (req, res) => {
    const endpoint = await endpointFor(req, res);
    res.json({ endpointId: endpoint.id, segments: await deps.segments.describe(endpoint) });
  });

  router.get('/:id/segments/drift', async (req, res) => {
    const endpoint = await endpointFor(req, res);
    const q = parse(rankingQuery, req.query, 'query');
    const range = timeRange(q, new Date());
    const rows = await deps.segmentDrift.rank(endpoint, range.from, range.to, {
      key: q.segmentKey,
      limit: q.limit,
    });
    res.json({ endpointId: endpoint.id, from: range.from, to: range.to, segments: rows });
  });

  return router;
}
