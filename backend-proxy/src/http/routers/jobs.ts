import { Router } from 'express';
import { z } from 'zod';
import { assertProject, visibleProjects } from '../../auth/apiKeyService';
import type { JobService } from '../../monitoring/jobs/jobService';
import { principalOf, requireMethodScope } from '../authenticate';
import { listParam, parse, projectName } from '../validation';

// Job names look like monitors/<experiment>/<model>; clients URL-encode the slashes.
const jobParams = z.object({
  name: z
    .string()
    .regex(
      /^monitors\/[A-Za-z0-9_][A-Za-z0-9_.\-/: ]{0,199}\/[A-Za-z0-9_][A-Za-z0-9_.\-:]{0,127}$/,
      'a job name like monitors/<experiment>/<model>',
    ),
});
const projectQuery = z.strictObject({ project: projectName.default('default') });

/** `/api/v1/jobs`: monitor jobs and their state (last run, next run, duration, error, result). */
export function jobsRouter(jobs: JobService): Router {
  const router = Router();
  router.use(requireMethodScope);

  router.get('/', async (req, res) => {
    const { project } = parse(
      z.strictObject({ project: listParam.pipe(z.array(projectName)).optional() }),
      req.query,
      'query',
    );
    res.json({ jobs: await jobs.list(visibleProjects(principalOf(res), project)) });
  });

  router.get('/:name', async (req, res) => {
    const { name } = parse(jobParams, req.params, 'path');
    const { project } = parse(projectQuery, req.query, 'query');
    assertProject(principalOf(res), project);
    res.json(await jobs.get(project, name));
  });

  router.post('/:name/run', async (req, res) => {
    const { name } = parse(jobParams, req.params, 'path');
    const { project } = parse(projectQuery, req.query, 'query');
    assertProject(principalOf(res), project);
    res.json(await jobs.runNow(project, name));
  });

  router.delete('/:name', async (req, res) => {
    const { name } = parse(jobParams, req.params, 'path');
    const { project } = parse(projectQuery, req.query, 'query');
    assertProject(principalOf(res), project);
    await jobs.remove(project, name);
    res.status(204).end();
  });

  return router;
}
