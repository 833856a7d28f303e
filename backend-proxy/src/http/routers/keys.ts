import { Router } from 'express';
import { z } from 'zod';
import { SCOPES, type ApiKeyService } from '../../auth/apiKeyService';
import { requireScope } from '../authenticate';
import { parse, projectName } from '../validation';

const createBody = z.strictObject({
  name: z.string().min(1).max(128),
  scopes: z.array(z.enum(SCOPES)).min(1),
  projects: z.array(projectName).min(1).nullable().default(null),
});

/** Key management; every route needs `admin`. */
export function keysRouter(keys: ApiKeyService): Router {
  const router = Router();
  router.use(requireScope('admin'));

  router.get('/', async (_req, res) => {
    res.json({ keys: await keys.list() });
  });

  router.post('/', async (req, res) => {
    const body = parse(createBody, req.body, 'body');
    const created = await keys.create(body.name, body.scopes, body.projects);
    res.status(201).json({ ...created.record, secret: created.secret });
  });

  router.delete('/:id', async (req, res) => {
    const { id } = parse(
      z.object({ id: z.string().regex(/^dwk_[0-9a-f]{12}$/, 'a key id like dwk_0123456789ab') }),
      req.params,
      'path',
    );
    await keys.revoke(id);
    res.status(204).end();
  });

  return router;
}
