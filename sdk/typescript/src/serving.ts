import type { PredictionInput, PredictionLogger } from './predictionLogger';
import type { FeatureValues, OutputValue, Scalar } from './types';

export interface MonitorOptions<I, O> {
  logger: PredictionLogger;
  /** Feature values of an input. Default: the input itself, when it is an object or an array of scalars. */
  features?: (input: I) => FeatureValues;
  /** What to record as the prediction. Default: the output itself, when it is a scalar, an array or a flat object. */
  prediction?: (output: O, input: I) => OutputValue;
  /** A request id from the input, for joining ground truth later; a per-call id wins. */
  requestId?: (input: I) => string | undefined;
}

export type MonitoredPredict<I, O> = (input: I, requestId?: string) => Promise<O>;
export type MonitoredBatchPredict<I, O> = (
  inputs: I[],
  requestIds?: Array<string | undefined>,
) => Promise<O[]>;

const isScalar = (v: unknown): v is Scalar =>
  v === null || ['number', 'string', 'boolean'].includes(typeof v);

function isOutputValue(v: unknown): v is OutputValue {
  if (isScalar(v)) return true;
  if (Array.isArray(v)) return v.every(isScalar);
  return typeof v === 'object' && v !== null && Object.values(v).every(isScalar);
}

function defaultFeatures(input: unknown): FeatureValues {
  if (typeof input === 'object' && input !== null && isOutputValue(input)) return input as FeatureValues;
  throw new TypeError('the input is not an object or array of scalars: pass a `features` function');
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Builds the event and queues it; a failure here is counted on the logger, never thrown at the caller. */
function record<I, O>(
  options: MonitorOptions<I, O>,
  input: I,
  outcome: { output?: O; error?: unknown },
  latencyMs: number,
  requestId?: string,
): void {
  try {
    const event: PredictionInput = { features: (options.features ?? defaultFeatures)(input), latencyMs };
    const id = requestId ?? options.requestId?.(input);
    if (id !== undefined) event.requestId = id;
    if ('error' in outcome) event.error = errorText(outcome.error);
    else if (options.prediction) event.prediction = options.prediction(outcome.output as O, input);
    else if (isOutputValue(outcome.output)) event.prediction = outcome.output;
    options.logger.log(event);
  } catch (err) {
    options.logger.reportLost(err);
  }
}

/**
 * Wraps a predict function so that every call is logged (features, prediction, latency, or the
 * error) in the background. The result and any error of `predict` pass through unchanged;
 * logging adds a queue append, never a network wait.
 */
export function monitorPredictions<I, O>(
  predict: (input: I) => O | Promise<O>,
  options: MonitorOptions<I, O>,
): MonitoredPredict<I, O> {
  return async (input: I, requestId?: string): Promise<O> => {
    const started = performance.now();
    let output: O;
    try {
      output = await predict(input);
    } catch (error) {
      record(options, input, { error }, performance.now() - started, requestId);
      throw error;
    }
    record(options, input, { output }, performance.now() - started, requestId);
    return output;
  };
}

/**
 * The same for a function that predicts many rows at once: one event per row, each with the
 * batch's latency divided by its size.
 */
export function monitorBatchPredictions<I, O>(
  predict: (inputs: I[]) => O[] | Promise<O[]>,
  options: MonitorOptions<I, O>,
): MonitoredBatchPredict<I, O> {
  return async (inputs: I[], requestIds?: Array<string | undefined>): Promise<O[]> => {
    const started = performance.now();
    let outputs: O[];
    try {
      outputs = await predict(inputs);
    } catch (error) {
      const perRow = (performance.now() - started) / Math.max(1, inputs.length);
      inputs.forEach((input, i) => record(options, input, { error }, perRow, requestIds?.[i]));
      throw error;
    }
    const perRow = (performance.now() - started) / Math.max(1, inputs.length);
    inputs.forEach((input, i) => record(options, input, { output: outputs[i] }, perRow, requestIds?.[i]));
    return outputs;
  };
}
