import { createHash } from 'node:crypto';

/** What an endpoint id looks like: the sha1 below, as 40 lowercase hex characters. */
export const ENDPOINT_ID_PATTERN = /^[0-9a-f]{40}$/;

/**
 * A stable endpoint id from what identifies a deployment, as MLRun derives one with a hash:
 * sha1 of "project/function:model:version", hex. The same deployment always maps to the same id.
 */
export function endpointId(project: string, functionName: string, model: string, version: string): string {
  return createHash('sha1').update(`${project}/${functionName}:${model}:${version}`).digest('hex');
}
