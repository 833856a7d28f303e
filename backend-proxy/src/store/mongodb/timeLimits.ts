/**
 * Time limits on MongoDB operations. The driver (6.x) ignores `timeoutMS`, so each stage has its
 * own limit: server selection (`serverSelectionTimeoutMS`), a pooled connection
 * (`waitQueueTimeoutMS`) and the reply (`socketTimeoutMS`), all set to the operation limit, so a
 * server that stops answering fails the request instead of leaving it hanging. Such failures, and
 * an unreachable server, surface as `UnavailableError` (503 with Retry-After).
 */
import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerSelectionError,
} from 'mongodb';
import { UnavailableError } from '../../errors';
import type { Store } from '../types';

/** Default limit per operation when neither the option nor the URL's `timeoutMS` sets one. */
export const DEFAULT_OPERATION_TIMEOUT_MS = 10_000;

/** A millisecond option the URL sets (`?socketTimeoutMS=...`), if any: the URL wins over defaults. */
export function urlMillis(url: string, option: string): number | undefined {
  const match = new RegExp(`[?&]${option}=(\\d+)`, 'i').exec(url);
  return match ? Number(match[1]) : undefined;
}

/** A driver error meaning "the deployment did not answer in time or cannot be reached". */
export function isUnavailable(error: unknown): boolean {
  return (
    error instanceof MongoOperationTimeoutError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoNotConnectedError
  );
}

function toDomainError(error: unknown): unknown {
  if (!isUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new UnavailableError(`the MongoDB store did not answer in time: ${reason}`);
}

/** The store with every method's unavailability failures turned into `UnavailableError`. */
export function withUnavailableErrors(store: Store): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'constructor') return value;
      return (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = Reflect.apply(value, target, args);
        } catch (error) {
          throw toDomainError(error);
        }
        return result instanceof Promise
          ? result.catch((error: unknown) => {
              throw toDomainError(error);
            })
          : result;
      };
    },
  });
}
