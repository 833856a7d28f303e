import type { Request } from 'express';
import { UnsupportedMediaTypeError } from '../errors';

/** What bodies the API reads: JSON everywhere, CSV where a route says so (README, HTTP API). */
export const EXPECTED_BODY_TYPES = [
  'application/json',
  'text/csv (references, compare reports)',
  'application/x-ndjson (references)',
] as const;

/**
 * A body without a Content-Type would reach validation as "no body" and get a puzzling
 * "expected object"; name the types instead. Artifact uploads are bytes and skip this.
 */
export function requireContentType(req: Request): void {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.headers['content-type']) {
    throw new UnsupportedMediaTypeError('the request body has no Content-Type', {
      expected: EXPECTED_BODY_TYPES,
    });
  }
}
