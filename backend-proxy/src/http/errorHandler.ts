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
  UnsupportedMediaTypeError,
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
  [UnsupportedMediaTypeError, 415],
  [UnprocessableError, 422],
  [UnavailableError, 503],
];

export interface ErrorBody {
  error: string;
  details?: unknown;
}

/** body-parser's errors carry `type` and `status`; translate the ones clients can cause. */
function fromBodyParser(err: unknown): DomainError | null {
  if (!(err instanceof Error) || !('type' in err)) return null;
  const { type } = err as Error & { type: unknown };
  if (type === 'entity.too.large') {
    const limit = (err as { limit?: number }).limit;
    return new PayloadTooLargeError(`request body exceeds the limit of ${limit ?? '?'} bytes`);
  }
  if (type === 'entity.parse.failed') return new InvalidInputError(`malformed JSON body: ${err.message}`);
  if (type === 'charset.unsupported' || type === 'encoding.unsupported')
    return new InvalidInputError(err.message);
  return null;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const domain = err instanceof DomainError ? err : fromBodyParser(err);
    const status = domain ? (STATUS_BY_ERROR.find(([type]) => domain instanceof type)?.[1] ?? 500) : 500;
    if (status >= 500) logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body: ErrorBody = domain
      ? { error: domain.message, ...(domain.details === undefined ? {} : { details: domain.details }) }
      : { error: 'internal error' };
    res.status(status).json(body);
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`no route for ${req.method} ${req.path}`));
};
