/**
 * Domain errors. Services throw these; `http/errorHandler.ts` is the one place that turns
 * them into responses, so services stay free of HTTP.
 */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request is malformed: wrong types, missing fields, unknown options. */
export class InvalidInputError extends DomainError {}
/** Well-formed but not processable as asked (e.g. a reference with no usable rows). */
export class UnprocessableError extends DomainError {}
export class NotFoundError extends DomainError {}
/** The request conflicts with the current state (e.g. clearing without force). */
export class ConflictError extends DomainError {}
export class UnauthenticatedError extends DomainError {}
export class ForbiddenError extends DomainError {}
export class PayloadTooLargeError extends DomainError {}
/** The body's content type or content encoding is not one the route reads. */
export class UnsupportedMediaError extends DomainError {}
/** The store or another dependency is unreachable; retrying later may work (`Retry-After` seconds). */
export class UnavailableError extends DomainError {
  constructor(
    message: string,
    details?: unknown,
    readonly retryAfterSeconds?: number,
    cause?: unknown,
  ) {
    super(message, details);
    if (cause !== undefined) this.cause = cause;
  }
}
