/** Kinds of the monitoring events (Grafana annotations) that mark a change of what an endpoint is compared with or runs. */
export const REFERENCE_CHANGED_EVENT = 'reference_changed';
/** A model version (an endpoint) received its first prediction: derived from the endpoint's first request. */
export const FIRST_TRAFFIC_EVENT = 'model_version_first_traffic';
