/**
 * Errors the SDK throws. The server answers errors as `{error, details?}`; a 4xx becomes a
 * `DriftwatchRequestError` (a subclass per status) carrying that message, never retried.
 */

/** One entry of a 400's `details`: which part of the request was wrong and why. */
export interface FieldIssue {
  path: string;
  message: string;
}

export class DriftwatchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface RequestErrorInit {
  status: number;
  method: string;
  path: string;
  serverMessage: string;
  details?: unknown;
}

function describeDetails(details: unknown): string {
  if (!Array.isArray(details)) return '';
  const issues = details.filter(
    (d): d is FieldIssue =>
      typeof d === 'object' &&
      d !== null &&
      typeof (d as FieldIssue).path === 'string' &&
      typeof (d as FieldIssue).message === 'string',
  );
  return issues.length ? ` (${issues.map((i) => `${i.path}: ${i.message}`).join('; ')})` : '';
}

/** The server refused the request (4xx): retrying the same request cannot succeed. */
export class DriftwatchRequestError extends DriftwatchError {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  /** The server's `error` text, unchanged. */
  readonly serverMessage: string;
  /** The server's `details`, e.g. the invalid fields of a 400. */
  readonly details?: unknown;

  constructor(init: RequestErrorInit) {
    super(
      `${init.status} ${init.method} ${init.path}: ${init.serverMessage}${describeDetails(init.details)}`,
    );
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.serverMessage = init.serverMessage;
    this.details = init.details;
  }
}

export class BadRequestError extends DriftwatchRequestError {}
export class AuthenticationError extends DriftwatchRequestError {}
export class PermissionDeniedError extends DriftwatchRequestError {}
export class NotFoundError extends DriftwatchRequestError {}
export class ConflictError extends DriftwatchRequestError {}
export class PayloadTooLargeError extends DriftwatchRequestError {}
export class UnprocessableError extends DriftwatchRequestError {}

const REQUEST_ERROR_BY_STATUS: Record<number, new (init: RequestErrorInit) => DriftwatchRequestError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  422: UnprocessableError,
};

export function requestErrorFor(init: RequestErrorInit): DriftwatchRequestError {
  const ErrorClass = REQUEST_ERROR_BY_STATUS[init.status] ?? DriftwatchRequestError;
  return new ErrorClass(init);
}

/** The server answered 5xx (after the retries that status allows). */
export class DriftwatchServerError extends DriftwatchError {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly serverMessage: string,
    readonly attempts: number,
  ) {
    super(
      `${status} ${method} ${path}: ${serverMessage} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`,
    );
  }
}

/** The server could not be reached or the connection broke (after retries). */
export class DriftwatchNetworkError extends DriftwatchError {
  constructor(
    message: string,
    readonly method: string,
    readonly path: string,
    /** False only when the connection was never established, so the server cannot have acted on it. */
    readonly maybeDelivered: boolean,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`${method} ${path}: ${message} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`, { cause });
  }
}
