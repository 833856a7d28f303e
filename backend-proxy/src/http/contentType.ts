import type { Request } from 'express';
import { UnsupportedMediaTypeError } from '../errors';

/** What bodies the API reads: JSON everywhere, CSV where a route says so (README, HTTP API). */
export const EXPECTED_BODY_TYPES = [
  'application/json',
  'text/csv (references, compare reports)',
  'application/x-ndjson (references)',
] as const;

/** The JSON content types the body parser reads. */
export const JSON_TYPES = ['application/json', 'application/*+json'];

/** Routes that read a body other than JSON, and which types (the router checks the rest). */
const NON_JSON_ROUTES: Array<{ method: string; path: RegExp; types: string[] }> = [
  {
    method: 'PUT',
    path: /^\/api\/v1\/endpoints\/[^/]+\/reference\/?$/,
    types: ['text/csv', 'text/plain', 'application/x-ndjson', 'application/jsonl'],
  },
  { method: 'POST', path: /^\/api\/v1\/monitors\/[^/]+\/snapshot\/?$/, types: ['text/csv'] },
];

/** The one charset bodies are read in; other charsets (utf-7, utf-16, latin1...) are refused, not guessed. */
const UTF8_NAMES = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8']);

function charsetOf(contentType: string): string | undefined {
  for (const param of contentType.split(';').slice(1)) {
    const [name, ...value] = param.split('=');
    if (name.trim().toLowerCase() === 'charset')
      return value
        .join('=')
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
  }
  return undefined;
}

/**
 * A body must say what it is, in UTF-8, and be of a type its route reads: a body the parser skips
 * would reach validation as "no body" (a puzzling "expected object", or silently ignored where the
 * body is optional). Artifact uploads are bytes and skip this.
 */
export function requireContentType(req: Request): void {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody) return;
  const contentType = req.headers['content-type'];
  if (!contentType)
    throw new UnsupportedMediaTypeError('the request body has no Content-Type', {
      expected: EXPECTED_BODY_TYPES,
    });
  const charset = charsetOf(contentType);
  if (charset !== undefined && !UTF8_NAMES.has(charset))
    throw new UnsupportedMediaTypeError(`unsupported charset "${charset}": send the body in UTF-8`, {
      expected: 'charset=utf-8',
    });
  // The body parser knows UTF-8 by its canonical name only.
  if (charset !== undefined)
    req.headers['content-type'] = contentType.replace(/charset=[^;]*/i, 'charset=utf-8');
  const route = NON_JSON_ROUTES.find((r) => r.method === req.method && r.path.test(req.path));
  const accepted = [...JSON_TYPES, ...(route?.types ?? [])];
  if (!req.is(accepted))
    throw new UnsupportedMediaTypeError(
      `unsupported Content-Type "${contentType}" for ${req.method} ${req.path}: send ${accepted.join(' or ')}`,
      { expected: accepted },
    );
}
