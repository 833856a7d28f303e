/**
 * A thin stand-in for Grafana's backend_srv (`getBackendSrv()`) that performs real HTTP: requests
 * to `/api/datasources/proxy/uid/<uid>/...` go through the data-proxy emulation in ./dataProxy
 * (plugin.json routes, key injection, Grafana's status rewrites) to a running proxy. Answers and
 * errors have backend_srv's shapes: `FetchResponse`, and on a non-2xx status a `FetchError` whose
 * text body becomes `{message, error: statusText, response}` and whose JSON body gets `message`
 * copied from `error` (public/app/core/services/backend_srv.ts, processRequestError).
 */
import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { Observable, lastValueFrom } from 'rxjs';
import type { ProxiedResponse } from './dataProxy';

/** Sends one request somewhere; the Node shim forwards in-process, the browser shim with fetch(). */
export type Transport = (
  method: string,
  url: string,
  body: string | undefined,
  headers: Record<string, string>,
) => Promise<ProxiedResponse>;

function parseBody(text: string): unknown {
  if (text === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** backend_srv's error body normalisation. */
export function errorData(statusText: string, data: unknown): Record<string, unknown> {
  if (data === undefined || data === null || data === '')
    return { message: statusText || 'Unexpected error' };
  if (typeof data === 'string') return { message: data, error: statusText, response: data };
  const object = { ...(data as Record<string, unknown>) };
  if (typeof object.message !== 'string' && typeof object.error === 'string') object.message = object.error;
  return object;
}

export class BackendSrvShim implements BackendSrv {
  /** Every request seen, for tests that check what reached the data proxy. */
  readonly requests: BackendSrvRequest[] = [];

  constructor(private readonly transport: Transport) {}

  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    return new Observable<FetchResponse<T>>((subscriber) => {
      this.requests.push(options);
      const method = (options.method ?? 'GET').toUpperCase();
      const body =
        options.data === undefined
          ? undefined
          : typeof options.data === 'string'
            ? options.data
            : JSON.stringify(options.data);
      const headers: Record<string, string> = { accept: 'application/json, text/plain, */*' };
      for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = String(v);
      if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
      this.transport(method, options.url, body, headers).then(
        (res) => {
          const data = parseBody(res.body);
          if (res.status >= 200 && res.status < 300) {
            subscriber.next({
              data: data as T,
              status: res.status,
              statusText: res.statusText,
              ok: true,
              headers: new Headers(res.headers),
              redirected: false,
              type: 'basic',
              url: options.url,
              config: options,
            });
            subscriber.complete();
            return;
          }
          const error: FetchError = {
            status: res.status,
            statusText: res.statusText,
            data: errorData(res.statusText, data),
            config: options,
          };
          subscriber.error(error);
        },
        (err: unknown) =>
          subscriber.error({
            status: 0,
            statusText: 'Network error',
            data: { message: String(err) },
            config: options,
          } satisfies FetchError),
      );
    });
  }

  async datasourceRequest<T = unknown>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
    return lastValueFrom(this.fetch<T>(options));
  }

  async request<T = unknown>(options: BackendSrvRequest): Promise<T> {
    return (await this.datasourceRequest<T>(options)).data;
  }

  get<T>(url: string, params?: Record<string, string>): Promise<T> {
    const query = params ? `?${new URLSearchParams(params).toString()}` : '';
    return this.request<T>({ url: `${url}${query}`, method: 'GET' });
  }

  post<T>(url: string, data?: unknown): Promise<T> {
    return this.request<T>({ url, method: 'POST', data });
  }

  put<T>(url: string, data?: unknown): Promise<T> {
    return this.request<T>({ url, method: 'PUT', data });
  }

  patch<T>(url: string, data?: unknown): Promise<T> {
    return this.request<T>({ url, method: 'PATCH', data });
  }

  delete<T>(url: string, data?: unknown): Promise<T> {
    return this.request<T>({ url, method: 'DELETE', data });
  }

  chunked(): Observable<FetchResponse<Uint8Array | undefined>> {
    throw new Error('chunked requests are not used by this plugin');
  }
}
