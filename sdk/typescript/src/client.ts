import { randomUUID } from 'node:crypto';
import { Experiment, type ExperimentOptions } from './experiment';
import {
  referenceBody,
  putReferenceRows,
  type ReferenceSource,
  type ReferenceUploadOptions,
  type RunArtifact,
} from './reference';
import { timeParam } from './time';
import {
  PredictionLogger,
  type PredictionLoggerOptions,
  type PredictionInput,
  type PredictionTarget,
  toWireEvent,
} from './predictionLogger';
import { Transport, type TransportOptions } from './transport';
import type {
  DriftReport,
  EndpointInfo,
  EndpointSpec,
  ExperimentInfo,
  LabelReceipt,
  OutputValue,
  PredictionReceipt,
  ReferenceColumns,
  ReferenceInfo,
  TimeWindow,
} from './types';

export interface ClientOptions extends TransportOptions {
  /** Project for experiments and endpoints. Default: `DRIFTWATCH_PROJECT`, else `default`. */
  project?: string;
}

/** The SDK's front door: tracking and monitoring calls over one Transport (`transport` for raw requests). */
export class DriftwatchClient {
  readonly transport: Transport;
  readonly project: string;

  constructor(options: ClientOptions = {}) {
    this.transport = new Transport(options);
    this.project = options.project ?? (process.env.DRIFTWATCH_PROJECT || 'default');
  }

  // ---------------------------------------------------------------- tracking

  /** An experiment handle; nothing is sent until a run starts. */
  experiment(name: string, options: ExperimentOptions = {}): Experiment {
    return new Experiment(this.transport, this.project, name, options);
  }

  async listExperiments(projects?: string[]): Promise<ExperimentInfo[]> {
    const reply = await this.transport.requestJson<{ experiments: ExperimentInfo[] }>(
      'GET',
      '/api/v1/experiments',
      {
        query: { project: projects?.join(',') },
      },
    );
    return reply.experiments;
  }

  // ---------------------------------------------------------------- monitoring

  /** Registers a deployed model (or updates the one with the same project/function/model/version). */
  registerEndpoint(spec: EndpointSpec): Promise<EndpointInfo> {
    // Registration is keyed by a hash of its identity, so repeating it cannot create a second one.
    return this.transport.requestJson('POST', '/api/v1/endpoints', {
      json: { project: this.project, ...spec },
      idempotent: true,
    });
  }

  getEndpoint(endpointId: string): Promise<EndpointInfo> {
    return this.transport.requestJson('GET', `/api/v1/endpoints/${encodeURIComponent(endpointId)}`);
  }

  /** Stores training rows as the endpoint's reference: its statistics fix the drift bins. */
  registerReference(
    endpointId: string,
    rows: Array<Record<string, unknown>>,
    columns: ReferenceColumns = {},
  ): Promise<ReferenceInfo> {
    return putReferenceRows(this.transport, endpointId, rows, columns);
  }

  /**
   * Makes training data of any size the endpoint's reference, streamed (see ReferenceSource);
   * `onProgress` follows the bytes sent.
   */
  async setReference(
    endpointId: string,
    source: ReferenceSource,
    options: ReferenceUploadOptions = {},
  ): Promise<ReferenceInfo> {
    const { body, contentType } = await referenceBody(source, options);
    return this.transport.requestJson(
      'PUT',
      `/api/v1/endpoints/${encodeURIComponent(endpointId)}/reference`,
      {
        query: { prediction: options.prediction, label: options.label, categorical: options.categorical },
        body,
        contentType,
        idempotent: false,
      },
    );
  }

  /** Makes a data artifact of an experiment run the endpoint's reference; it records the lineage. */
  setReferenceFromRun(
    endpointId: string,
    from: RunArtifact,
    options: Pick<ReferenceUploadOptions, 'prediction' | 'label' | 'categorical'> = {},
  ): Promise<ReferenceInfo> {
    return this.transport.requestJson(
      'PUT',
      `/api/v1/endpoints/${encodeURIComponent(endpointId)}/reference`,
      {
        json: { ...from, ...options },
        idempotent: false,
      },
    );
  }

  /**
   * Sends prediction events now, as one batch (use a PredictionLogger to send in the background).
   * The batch id makes a retried send count once.
   */
  logPredictions(
    events: PredictionInput[],
    target: PredictionTarget,
    batchId: string = randomUUID(),
  ): Promise<PredictionReceipt> {
    return this.transport.requestJson('POST', '/api/v1/predictions', {
      json: { batchId, project: this.project, events: events.map((e) => toWireEvent(e, target, Date.now())) },
      idempotent: true,
    });
  }

  /** Ground truth for earlier (or later) predictions, joined by request id. */
  logLabels(
    labels: Array<{ requestId: string; label: OutputValue; endpoint?: string }>,
  ): Promise<LabelReceipt> {
    // Safe to repeat: the server counts a prediction's label once.
    return this.transport.requestJson('POST', '/api/v1/labels', { json: labels, idempotent: true });
  }

  /** Drift of the window (default: the last hour) against the reference, or against a baseline window. */
  drift(endpointId: string, window: TimeWindow = {}, baseline?: TimeWindow): Promise<DriftReport> {
    return this.transport.requestJson('GET', `/api/v1/endpoints/${encodeURIComponent(endpointId)}/drift`, {
      query: {
        from: timeParam(window.from),
        to: timeParam(window.to),
        baselineFrom: timeParam(baseline?.from),
        baselineTo: timeParam(baseline?.to),
      },
    });
  }

  /** Counts, latency, errors and accuracy over a window, per step (e.g. `1m`). */
  endpointMetrics<T = Record<string, unknown>>(
    endpointId: string,
    window: TimeWindow & { step?: string } = {},
  ): Promise<T> {
    return this.transport.requestJson('GET', `/api/v1/endpoints/${encodeURIComponent(endpointId)}/metrics`, {
      query: { from: timeParam(window.from), to: timeParam(window.to), step: window.step },
    });
  }

  /** A background logger for prediction events; see PredictionLogger. */
  predictionLogger(options: PredictionLoggerOptions): PredictionLogger {
    return new PredictionLogger(this.transport, this.project, options);
  }
}
