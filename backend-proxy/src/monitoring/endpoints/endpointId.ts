import { createHash } from 'node:crypto';

/**
 * A stable endpoint id from what identifies a deployment, as MLRun derives one with a hash:
 * sha1 of "project/function:model:version", hex. The same deployment always maps to the same id.
 */
export function endpointId(project: string, functionName: string, model: string, version: string): string {
  return createHash('sha1').update(`${project}/${functionName}:${model}:${version}`).digest('hex');
}
