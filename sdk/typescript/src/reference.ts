import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import type { Transport } from './transport';
import type { ReferenceColumns, ReferenceInfo } from './types';

/**
 * Training data for `DriftwatchClient.setReference`, streamed to the proxy, never held whole:
 * a file (`{ path }`: CSV, or NDJSON when named *.ndjson / *.jsonl; gzip-compressed or not),
 * a Readable of CSV (or, with `format: 'ndjson'`, NDJSON) bytes, or any iterable / async
 * iterable of rows, sent as NDJSON as it is produced.
 */
export type ReferenceSource =
  { path: string } | Readable | Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>;

export interface ReferenceUploadOptions {
  /** Columns that are the model's output, the ground truth, or categorical although numeric. */
  prediction?: string[];
  label?: string[];
  categorical?: string[];
  /** The format of a Readable source (default csv). */
  format?: 'csv' | 'ndjson';
  /** Bytes sent so far, and the total when known (a file). */
  onProgress?: (sentBytes: number, totalBytes: number | null) => void;
}

/** A data artifact logged in an experiment run, to become the reference without another upload. */
export interface RunArtifact {
  experiment: string;
  run: number;
  artifact: string;
  /** The experiment's project (default: the endpoint's). */
  project?: string;
}

const NDJSON_NAME = /\.(ndjson|jsonl)(\.gz)?$/i;
const CONTENT_TYPES = { csv: 'text/csv', ndjson: 'application/x-ndjson' } as const;

function counting(onProgress: ReferenceUploadOptions['onProgress'], total: number | null): Transform {
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      sent += chunk.length;
      onProgress?.(sent, total);
      callback(null, chunk);
    },
  });
}

async function* ndjsonLines(
  rows: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>,
): AsyncGenerator<string> {
  for await (const row of rows) yield `${JSON.stringify(row)}\n`;
}

/** The request body and content type of a reference upload. */
export async function referenceBody(
  source: ReferenceSource,
  options: ReferenceUploadOptions,
): Promise<{ body: Readable | (() => Readable); contentType: string }> {
  const watch = (input: Readable, total: number | null) =>
    options.onProgress ? input.pipe(counting(options.onProgress, total)) : input;
  if (source instanceof Readable) {
    return { body: watch(source, null), contentType: CONTENT_TYPES[options.format ?? 'csv'] };
  }
  if ('path' in source && typeof source.path === 'string') {
    const { path } = source;
    const total = (await stat(path)).size;
    // A function: a retried request reads the file again from its start.
    return {
      body: () => watch(createReadStream(path, { highWaterMark: 1 << 20 }), total),
      contentType: CONTENT_TYPES[NDJSON_NAME.test(path) ? 'ndjson' : 'csv'],
    };
  }
  const rows = source as Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>;
  return { body: watch(Readable.from(ndjsonLines(rows)), null), contentType: CONTENT_TYPES.ndjson };
}

/** Stores training rows as an endpoint's reference (one request; the client and the logger both use it). */
export function putReferenceRows(
  transport: Transport,
  endpointId: string,
  rows: Array<Record<string, unknown>>,
  columns: ReferenceColumns = {},
): Promise<ReferenceInfo> {
  return transport.requestJson('PUT', `/api/v1/endpoints/${encodeURIComponent(endpointId)}/reference`, {
    json: { rows, ...columns },
    // Each PUT stores a new version: a blind repeat would add a duplicate version.
    idempotent: false,
  });
}
