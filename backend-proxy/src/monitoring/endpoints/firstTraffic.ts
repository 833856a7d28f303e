import { FIRST_TRAFFIC_EVENT } from '../reference/referenceEvents';
import type { EndpointRecord, MonitoringEventRecord } from '../../store/types';

/**
 * The marker of a model version's first traffic, derived from its endpoint's first request (an
 * endpoint is one version of a model): never stored, so it cannot be lost or doubled by racing
 * ingest batches, and it moves when late traffic older than the first request arrives.
 */
export function firstTrafficEvents(
  endpoints: readonly EndpointRecord[],
  from: Date,
  to: Date,
): MonitoringEventRecord[] {
  return endpoints
    .filter((e) => e.firstRequest !== null && e.firstRequest >= from && e.firstRequest <= to)
    .map((e) => ({
      time: e.firstRequest as Date,
      project: e.project,
      endpointId: e.id,
      kind: FIRST_TRAFFIC_EVENT,
      title: `${e.model}:${e.version} first traffic`,
      text: `version ${e.version} of model ${e.model} received its first prediction`,
      tags: ['deploy', e.project, e.model, e.version],
      data: { model: e.model, version: e.version },
    }));
}
