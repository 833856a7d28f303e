import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { DriftwatchError, DriftwatchNetworkError, DriftwatchServerError, requestErrorFor } from './errors';

export const SDK_VERSION = '0.1.0';
export const DEFAULT_URL = 'http://localhost:8080';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Backoff ceiling before the second try; it doubles per try up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 200, maxDelayMs: 5_000 };

export interface RetryNotice {
  method: string;
  path: string;
  /** The try that failed (1 = the first). */
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface TransportOptions {
  /** Default: `DRIFTWATCH_URL`, else http://localhost:8080. */
  url?: string;
  /** Sent as `Authorization: Bearer <key>`. Default: `DRIFTWATCH_API_KEY`. */
  apiKey?: string;
  retry?: Partial<RetryPolicy>;
  /** Per-try timeout for JSON requests, ms (0 = none). Artifact transfers have none. */
  timeoutMs?: number;
  /** Recorded as the events' `node`. Default: the host name. */
  node?: string;
  /** Called before each retry, e.g. to log it. */
  onRetry?: (notice: RetryNotice) => void;
}

export type QueryValue = string | number | boolean | Date | undefined | null | ReadonlyArray<string | number>;

/** A replayable body is a factory; a plain Readable can be sent once only, so it is never retried. */
export type RequestBody = Uint8Array | string | Readable | (() => Readable | Uint8Array);

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  json?: unknown;
  body?: RequestBody;
  contentType?: string;
  headers?: Record<string, string>;
  /**
   * Whether repeating the request is harmless. Decides if a broken connection (which the server
   * may already have acted on) is retried. Default: true for GET/HEAD/PUT/DELETE.
   */
  idempotent?: boolean;
  /** Overrides the client's per-try timeout (0 = none). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Called before each retry of this request, after the client's own `onRetry`. */
  onRetry?: (notice: RetryNotice) => void;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
/** Failures before any byte reached the server: always safe to repeat. */
const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** Statuses a proxy or load balancer answers when the server is briefly away. */
const GATEWAY_STATUSES = new Set([502, 504]);

function errorCodes(err: unknown, seen = new Set<unknown>()): string[] {
  if (typeof err !== 'object' || err === null || seen.has(err)) return [];
  seen.add(err);
  const own = typeof (err as { code?: unknown }).code === 'string' ? [(err as { code: string }).code] : [];
  const nested = err instanceof AggregateError ? err.errors.flatMap((e) => errorCodes(e, seen)) : [];
  return [...own, ...nested, ...errorCodes((err as { cause?: unknown }).cause, seen)];
}

function neverConnected(err: unknown): boolean {
  const codes = errorCodes(err);
  return codes.length > 0 && codes.every((c) => CONNECT_FAILURES.has(c));
}

function describeNetworkError(err: unknown): string {
  const codes = errorCodes(err);
  const cause = (err as { cause?: unknown })?.cause;
  const detail = cause instanceof Error ? cause.message : err instanceof Error ? err.message : String(err);
  return codes.length ? `${codes[0]}: ${detail}` : detail;
}

/** "Equal jitter": half the ceiling fixed, half random, so clients retrying together spread out but still back off. */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (failedAttempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function retryAfterMs(response: Response): number {
  const header = response.headers.get('retry-after');
  const seconds = header === null ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

async function errorMessageOf(response: Response): Promise<{ message: string; details?: unknown }> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: unknown; details?: unknown };
    if (typeof body.error === 'string') return { message: body.error, details: body.details };
  } catch {
    // Not JSON (e.g. a load balancer's HTML page): fall through to the raw text.
  }
  return { message: text.trim().slice(0, 300) || response.statusText || 'no message' };
}

/**
 * The HTTP core every other part uses: base URL, auth, JSON, and retries with exponential backoff
 * and jitter on 503, gateway errors and network failures. 4xx answers throw at once.
 */
export class Transport {
  readonly url: string;
  readonly node: string;
  readonly retry: RetryPolicy;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;
  private readonly onRetry?: (notice: RetryNotice) => void;

  constructor(options: TransportOptions = {}) {
    this.url = (options.url ?? process.env.DRIFTWATCH_URL ?? DEFAULT_URL).replace(/\/+$/, '');
    this.apiKey = options.apiKey ?? (process.env.DRIFTWATCH_API_KEY || undefined);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    if (!(this.retry.attempts >= 1)) throw new RangeError('retry.attempts must be at least 1');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.node = options.node ?? hostname();
    this.onRetry = options.onRetry;
  }

  /** Sends a request and parses the JSON answer (undefined for 204). */
  async requestJson<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request(method, path, options);
    if (response.status === 204) {
      await response.body?.cancel();
      return undefined as T;
    }
    const text = await response.text();
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch (err) {
      throw new DriftwatchError(`${method} ${path}: the server's answer is not JSON: ${text.slice(0, 200)}`, {
        cause: err,
      });
    }
  }

  /**
   * Sends a request with retries and returns the 2xx response (body unread).
   * Throws a DriftwatchRequestError for 4xx, DriftwatchServerError for 5xx, DriftwatchNetworkError otherwise.
   */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const policy = { ...this.retry, ...options.retry };
    const idempotent = options.idempotent ?? IDEMPOTENT_METHODS.has(method);
    const replayable = !(options.body instanceof Readable);
    const target = this.urlFor(path, options.query);
    const timeoutMs = options.timeoutMs ?? (options.body === undefined ? this.timeoutMs : 0);

    for (let attempt = 1; ; attempt++) {
      const lastTry = attempt >= policy.attempts || !replayable;
      let response: Response;
      try {
        response = await fetch(target, this.init(method, options, timeoutMs));
      } catch (err) {
        const safe = neverConnected(err);
        const message = describeNetworkError(err);
        if (lastTry || !(safe || idempotent)) {
          throw new DriftwatchNetworkError(message, method, path, !safe, attempt, err);
        }
        await this.pause(
          { method, path, attempt, delayMs: backoffDelay(policy, attempt), reason: message },
          options,
        );
        continue;
      }
      if (response.ok) return response;

      const retryable = response.status === 503 || (GATEWAY_STATUSES.has(response.status) && idempotent);
      if (retryable && !lastTry) {
        const delayMs = Math.min(
          Math.max(backoffDelay(policy, attempt), retryAfterMs(response)),
          policy.maxDelayMs,
        );
        await response.body?.cancel();
        await this.pause({ method, path, attempt, delayMs, reason: `HTTP ${response.status}` }, options);
        continue;
      }
      const { message, details } = await errorMessageOf(response);
      if (response.status >= 500)
        throw new DriftwatchServerError(response.status, method, path, message, attempt);
      throw requestErrorFor({ status: response.status, method, path, serverMessage: message, details });
    }
  }

  private async pause(notice: RetryNotice, options: RequestOptions): Promise<void> {
    this.onRetry?.(notice);
    options.onRetry?.(notice);
    await sleep(notice.delayMs);
  }

  private urlFor(path: string, query: RequestOptions['query']): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      if (value instanceof Date) params.append(key, value.toISOString());
      else if (Array.isArray(value)) params.append(key, value.join(','));
      else params.append(key, String(value));
    }
    const search = params.toString();
    return `${this.url}${path}${search ? `?${search}` : ''}`;
  }

  private init(method: string, options: RequestOptions, timeoutMs: number): RequestInit {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': `driftwatch-typescript/${SDK_VERSION}`,
      'x-driftwatch-node': this.node,
      ...options.headers,
    };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    const init: RequestInit & { duplex?: 'half' } = { method, headers };
    if (timeoutMs > 0) init.signal = AbortSignal.timeout(timeoutMs);
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(options.json);
    } else if (options.body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
      const body = typeof options.body === 'function' ? options.body() : options.body;
      if (body instanceof Readable) {
        // fetch takes web streams; `duplex: 'half'` is required for a streamed request body.
        init.body = Readable.toWeb(body) as unknown as ReadableStream<Uint8Array>;
        init.duplex = 'half';
      } else {
        init.body = body;
      }
    }
    return init;
  }
}
