import { Router } from 'express';
import { z } from 'zod';
import { assertProject, assertScope, visibleProjects } from '../../auth/apiKeyService';
import type { EndpointService } from '../../monitoring/endpoints/endpointService';
import { principalOf, requireMethodScope } from '../authenticate';
import { parse, projectName } from '../validation';
import { projectSettingsBody } from './endpoints';

/** Projects (from endpoints and experiments) and their monitoring settings. */
export function projectsRouter(endpoints: EndpointService): Router {
  const router = Router();
  router.use(requireMethodScope);
  const projectParams = z.object({ project: projectName });

  router.get('/', async (_req, res) => {
    const all = await endpoints.listProjects();
    const visible = visibleProjects(principalOf(res), all) ?? all;
    res.json({ projects: visible });
  });

  router.get('/:project/settings', async (req, res) => {
    const { project } = parse(projectParams, req.params, 'path');
    assertProject(principalOf(res), project);
    res.json(await endpoints.projectSettings(project));
  });

  router.put('/:project/settings', async (req, res) => {
    const { project } = parse(projectParams, req.params, 'path');
    assertProject(principalOf(res), project);
    assertScope(principalOf(res), 'admin');
    const body = parse(projectSettingsBody, req.body, 'body');
    res.json(await endpoints.setProjectThresholds(project, body.thresholds));
  });

  return router;
}
