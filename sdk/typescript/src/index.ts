export { DriftwatchClient } from './client';
export type { ClientOptions } from './client';
export { Transport, DEFAULT_RETRY, DEFAULT_URL, SDK_VERSION, backoffDelay } from './transport';
export type {
  QueryValue,
  RequestBody,
  RequestOptions,
  RetryNotice,
  RetryPolicy,
  TransportOptions,
} from './transport';
export type { ReferenceSource, ReferenceUploadOptions, RunArtifact } from './reference';
export { Experiment } from './experiment';
export type { ArtifactStream, DataQuery, ExperimentOptions } from './experiment';
export { Run, MAX_EVENTS_PER_REQUEST } from './run';
export type { ArtifactSource, LogOptions } from './run';
export { PROFILE_EVENT, Profiler, sampleSystem, takeCpuSnapshot } from './profiling';
export type { CpuSnapshot, ProfilingOptions, SystemSample } from './profiling';
export { PredictionLogger, toWireEvent } from './predictionLogger';
export type {
  PredictionInput,
  PredictionLoggerOptions,
  PredictionLoggerStats,
  PredictionTarget,
} from './predictionLogger';
export { monitorBatchPredictions, monitorPredictions } from './serving';
export type { MonitorOptions, MonitoredBatchPredict, MonitoredPredict } from './serving';
export * from './errors';
export type * from './types';
