import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthenticatedError,
  UnavailableError,
  UnprocessableError,
  UnsupportedMediaError,
} from '../errors';
import type { Logger } from '../logger';

/** The single mapping from domain errors to HTTP statuses. */
const STATUS_BY_ERROR: Array<[new (...args: never[]) => DomainError, number]> = [
  [InvalidInputError, 400],
  [UnauthenticatedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [UnsupportedMediaError, 415],
  [UnprocessableError, 422],
  [UnavailableError, 503],
];

export interface ErrorBody {
  error: string;
  details?: unknown;
}

/**
 * Errors raised before our handlers run (body parsing: encoding, size, charset, JSON, a body that
 * is not what its content-encoding says; URI decoding of path parameters) carry an http-errors
 * `status`. Every 4xx among them is the client's; translate it here, whatever the parser, so
 * streamed bodies and new parsers are covered too. Their messages are written for clients.
 */
function fromHttpError(err: unknown): DomainError | null {
  if (!(err instanceof Error)) return null;
  const { status, type } = err as Error & { status?: unknown; type?: unknown };
  if (type === 'entity.too.large') {
    const limit = (err as { limit?: number }).limit;
    return new PayloadTooLargeError(`request body exceeds the limit of ${limit ?? '?'} bytes`);
  }
  if (type === 'entity.parse.failed') return new InvalidInputError(`malformed JSON body: ${err.message}`);
  if (type === 'encoding.unsupported') return new UnsupportedMediaError(err.message);
  if (typeof status !== 'number' || status < 400 || status >= 500) return null;
  if (status === 413) return new PayloadTooLargeError(err.message);
  if (status === 415) return new UnsupportedMediaError(err.message);
  return new InvalidInputError(err.message);
}
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const domain = err instanceof DomainError ? err : fromHttpError(err);
    const status = domain ? (STATUS_BY_ERROR.find(([type]) => domain instanceof type)?.[1] ?? 500) : 500;
    if (status === 503)
      logger.warn({ reason: domain?.message, method: req.method, url: req.originalUrl }, 'store fault');
    else if (status >= 500) logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body: ErrorBody = domain
      ? { error: domain.message, ...(domain.details === undefined ? {} : { details: domain.details }) }
      : { error: 'internal error' };
    if (domain instanceof UnavailableError && domain.retryAfterSeconds !== undefined)
      res.set('Retry-After', String(domain.retryAfterSeconds));
    res.status(status).json(body);
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`no route for ${req.method} ${req.path}`));
};
