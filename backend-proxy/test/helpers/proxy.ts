import { startTestProxy as startEmbeddedTestProxy, type Config, type RunningProxy } from '../../src/testing';
import { freshDatabaseUrl, mongoTarget } from './mongoTarget';

/**
 * A real proxy on a loopback port with no background work (tests tick it themselves), on an
 * in-memory embedded store, or in the MongoDB run on a fresh MongoDB database.
 */
export async function startTestProxy(overrides: Partial<Config> = {}): Promise<RunningProxy> {
  const mongo = mongoTarget();
  return startEmbeddedTestProxy({
    ...(mongo ? { store: freshDatabaseUrl(mongo, 'http') } : {}),
    ...overrides,
  });
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** JSON over real HTTP; `body` is parsed JSON when the answer is JSON, else text. */
export async function call<T = unknown>(
  base: string,
  method: string,
  path: string,
  options: {
    body?: unknown;
    rawBody?: string | Buffer;
    token?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Buffer | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, { method, headers, body });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('application/json');
  return {
    status: response.status,
    body: (isJson && text ? JSON.parse(text) : text) as T,
    headers: response.headers,
  };
}
