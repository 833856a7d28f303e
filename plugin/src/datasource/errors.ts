/**
 * Turns what Grafana's fetch throws into readable messages. Requests go through Grafana's data
 * proxy, which changes some answers on the way:
 * - the proxy unreachable, or no answer in time: 502 Bad Gateway / 504 Gateway Timeout, empty body;
 * - the proxy's 401 (missing, wrong or revoked key): rewritten to 400 with the text
 *   "Authentication to data source failed" (so a bad key does not log the Grafana user out);
 * - 403 and every other status pass through with the proxy's body `{error, details?}`.
 * Grafana's backend_srv then wraps a text body as `{message, error, response}`.
 */
import type { ProxyErrorBody } from './types';

export type ProxyErrorKind =
  'unreachable' | 'unauthenticated' | 'forbidden' | 'invalid' | 'not_found' | 'server' | 'unknown';

export interface ClassifiedError {
  kind: ProxyErrorKind;
  status?: number;
  /** One readable sentence for a person. */
  message: string;
  /** The proxy's own `error`, when it sent one. */
  proxyError?: string;
}

/** Grafana's data proxy answer for an upstream 401. */
const GRAFANA_AUTH_FAILED = 'Authentication to data source failed';

interface ErrorLike {
  status?: unknown;
  statusText?: unknown;
  message?: unknown;
  data?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The proxy's `{error, details}` if the body is one. */
function proxyBody(data: unknown): ProxyErrorBody | undefined {
  if (
    isObject(data) &&
    typeof data.error === 'string' &&
    data.error !== '' &&
    (data.details !== undefined || !('response' in data))
  ) {
    // backend_srv copies a text body into {message, error: statusText, response}; that is not the proxy's.
    return { error: data.error, details: data.details };
  }
  return undefined;
}

/** `details` as text: `[{path, message}]` becomes "path: message; ...", objects "key: a, b". */
export function formatDetails(details: unknown): string {
  if (details === undefined || details === null) return '';
  if (Array.isArray(details)) {
    return details
      .map((d) => {
        if (isObject(d) && typeof d.message === 'string')
          return typeof d.path === 'string' && d.path !== '' ? `${d.path}: ${d.message}` : d.message;
        return typeof d === 'string' ? d : JSON.stringify(d);
      })
      .join('; ');
  }
  if (isObject(details)) {
    return Object.entries(details)
      .map(
        ([k, v]) =>
          `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : JSON.stringify(v)}`,
      )
      .join('; ');
  }
  return String(details);
}

/** The proxy's message with its details, e.g. `targets.0: invalid query (targets.0.metric: a metric name)`. */
function proxyMessage(body: ProxyErrorBody): string {
  const details = formatDetails(body.details);
  return details ? `${body.error} (${details})` : body.error;
}

function textOf(err: ErrorLike): string {
  const data = err.data;
  if (typeof data === 'string') return data;
  if (isObject(data)) {
    for (const key of ['response', 'message']) if (typeof data[key] === 'string') return data[key] as string;
  }
  return typeof err.message === 'string' ? err.message : '';
}

/**
 * Classifies an error from a request through the data proxy. `where` is the proxy URL from the
 * settings, used in the "cannot reach" message.
 */
export function classifyError(error: unknown, where?: string): ClassifiedError {
  const err: ErrorLike = isObject(error) ? error : { message: String(error) };
  const status = typeof err.status === 'number' ? err.status : undefined;
  const body = proxyBody(err.data);
  const text = textOf(err);
  const at = where ? ` at ${where}` : '';

  if (status === 401 || (status === 400 && text.includes(GRAFANA_AUTH_FAILED))) {
    return {
      kind: 'unauthenticated',
      status,
      message: `The Driftwatch proxy rejected the API key: it is missing, wrong or revoked${body ? ` (${body.error})` : ''}. Set a key created with a "read" scope.`,
      proxyError: body?.error,
    };
  }
  if (status === 403) {
    if (body) {
      return {
        kind: 'forbidden',
        status,
        message: `The API key is valid but not allowed to do this: ${proxyMessage(body)}. Use a key with the "read" scope for the projects you need.`,
        proxyError: body.error,
      };
    }
    // Grafana's own refusal (route role, data proxy allow list), not the proxy's.
    return {
      kind: 'forbidden',
      status,
      message: `Grafana refused the request to the data source${text ? `: ${text}` : ''}.`,
    };
  }
  if (status === 502 || status === 503 || status === 504 || status === 0 || status === undefined) {
    if (status === 503 && body)
      return {
        kind: 'server',
        status,
        message: `The Driftwatch proxy is unavailable: ${proxyMessage(body)}.`,
        proxyError: body.error,
      };
    const why =
      status === 504
        ? 'it did not answer in time (HTTP 504)'
        : status === undefined || status === 0
          ? `the request failed${text ? `: ${text}` : ''}`
          : `Grafana's server got no answer (HTTP ${status})`;
    return {
      kind: 'unreachable',
      status,
      message: `Cannot reach the Driftwatch proxy${at}: ${why}. Check the URL and that the proxy is running and reachable from the Grafana server.`,
    };
  }
  if (status === 404) {
    return {
      kind: 'not_found',
      status,
      message: `The server${at} has no Driftwatch Grafana API (HTTP 404${body ? `: ${body.error}` : ''}). Is the URL that of a Driftwatch proxy (without /grafana)?`,
      proxyError: body?.error,
    };
  }
  if (status >= 400 && status < 500 && body) {
    return { kind: 'invalid', status, message: proxyMessage(body), proxyError: body.error };
  }
  if (status >= 500) {
    return {
      kind: 'server',
      status,
      message: `The Driftwatch proxy failed (HTTP ${status})${body ? `: ${proxyMessage(body)}` : ''}.`,
      proxyError: body?.error,
    };
  }
  return { kind: 'unknown', status, message: text || `Request failed (HTTP ${status})` };
}
