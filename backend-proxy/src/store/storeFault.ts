/**
 * Store faults: how a database failure becomes a 503 instead of a 500, and how readiness follows it.
 *
 * Each store classifies its own driver's errors (`sqlite/faults.ts`, `mongodb/faults.ts`: disk full,
 * read-only, deleted or replaced file, server unreachable, no majority, time limit exceeded) and wraps
 * itself with `guardStore`. The guard turns a classified error into an `UnavailableError` carrying
 * `Retry-After`, remembers the fault, and makes `ping()` (behind `/readyz`) fail while faults keep
 * occurring: not ready until the store's own probe passes and no fault was seen for `RETRY_AFTER_SECONDS`.
 * Errors a classifier does not recognise pass through unchanged (they are our bugs: 500).
 */
import { UnavailableError } from '../errors';
import type { Store } from './types';

/** What clients are told to wait before retrying, and how long readiness stays off after the last fault. */
export const RETRY_AFTER_SECONDS = 5;

/** A short, client-safe reason if `error` is a store fault (retrying later may work), else null. */
export type StoreFaultClassifier = (error: unknown) => string | null;

export interface StoreGuard {
  /** Recognises this store's transient faults. */
  classify: StoreFaultClassifier;
  /** Runs before every operation; throws (an error `classify` recognises) when the store is known broken. */
  precheck?: () => void;
  /** Clock, for tests. */
  now?: () => number;
}

/** An `UnavailableError` for a store fault, with the `Retry-After` the error handler sends. */
export function storeUnavailable(kind: string, reason: string, cause?: unknown): UnavailableError {
  return new UnavailableError(
    `store unavailable: ${reason}; retry later`,
    { store: kind, reason },
    RETRY_AFTER_SECONDS,
    cause,
  );
}

/** Wraps every store operation so faults answer 503 and readiness follows them. */
export function guardStore<S extends Store>(store: S, guard: StoreGuard): S {
  const now = guard.now ?? Date.now;
  let lastFault: { at: number; reason: string } | null = null;

  const translate = (error: unknown): unknown => {
    if (error instanceof UnavailableError) return error;
    const reason = guard.classify(error);
    if (reason === null) return error;
    lastFault = { at: now(), reason };
    return storeUnavailable(store.kind, reason, error);
  };

  const run = async (operation: () => unknown, precheck: boolean): Promise<unknown> => {
    try {
      if (precheck) guard.precheck?.();
      return await operation();
    } catch (error) {
      throw translate(error);
    }
  };

  const ping = async (): Promise<void> => {
    await run(() => store.ping(), true);
    if (lastFault !== null && now() - lastFault.at < RETRY_AFTER_SECONDS * 1000)
      throw storeUnavailable(store.kind, `recovering from a recent fault (${lastFault.reason})`);
    lastFault = null;
  };

  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'ping') return ping;
      let wrapper = wrapped.get(property);
      if (wrapper === undefined) {
        const method = value as (...args: unknown[]) => unknown;
        const precheck = property !== 'close';
        wrapper = (...args: unknown[]) => run(() => method.apply(target, args), precheck);
        wrapped.set(property, wrapper);
      }
      return wrapper;
    },
  });
}
