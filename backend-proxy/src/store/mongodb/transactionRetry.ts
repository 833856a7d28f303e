/**
 * When to run a MongoDB transaction again. The server labels the errors worth retrying:
 * `TransientTransactionError` (a write conflict, an election, a dropped connection before the
 * commit: run the whole transaction again) and `UnknownTransactionCommitResult` (the commit may or
 * may not have applied: send the commit again, which the server makes idempotent). Anything else
 * is final. Retries are bounded in number and in time, so a deployment that keeps conflicting or
 * has no primary answers 503 (faults.ts) instead of retrying for the driver's default 120 s.
 *
 * Delay before attempt n+1 (n attempts done): d_n = min(base · 2^(n−1), maxElapsed − elapsed);
 * retry iff the error is retryable, n < maxAttempts and elapsed + d_n < maxElapsed.
 */
import { MongoError, type ClientSession, type TransactionOptions } from 'mongodb';

export interface TransactionRetryPolicy {
  /** Attempts in all, the first included (commit retries count as attempts). */
  maxAttempts: number;
  /** No retry starts later than this after the first attempt began, ms. */
  maxElapsedMs: number;
  /** Delay before the second attempt, doubled for each further one, ms. */
  baseDelayMs: number;
}

export const DEFAULT_TRANSACTION_RETRY: TransactionRetryPolicy = {
  maxAttempts: 5,
  maxElapsedMs: 10_000,
  baseDelayMs: 20,
};

const MAX_TIME_MS_EXPIRED = 50;

export type TransactionFailure = 'transient' | 'unknownCommitResult' | 'final';

/** How a failed transaction or commit may be retried, by the error's labels. */
export function transactionFailure(error: unknown): TransactionFailure {
  if (!(error instanceof MongoError)) return 'final';
  // The operation's own time limit ran out: retrying would only exceed it again (as the driver does).
  if (error.code === MAX_TIME_MS_EXPIRED) return 'final';
  if (error.hasErrorLabel('UnknownTransactionCommitResult')) return 'unknownCommitResult';
  if (error.hasErrorLabel('TransientTransactionError')) return 'transient';
  return 'final';
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/** The formula above: `attempts` done so far (>= 1), `elapsedMs` since the first began. */
export function retryDecision(
  failure: TransactionFailure,
  attempts: number,
  elapsedMs: number,
  policy: TransactionRetryPolicy,
): RetryDecision {
  if (failure === 'final' || attempts >= policy.maxAttempts) return { retry: false };
  const delayMs = Math.min(policy.baseDelayMs * 2 ** (attempts - 1), policy.maxElapsedMs - elapsedMs);
  if (elapsedMs + delayMs >= policy.maxElapsedMs) return { retry: false };
  return { retry: true, delayMs };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` in a transaction on `session` under the policy: the whole transaction again on a
 * transient error, the commit again on an unknown commit result. `fn` may run more than once and
 * must pass `session` to every operation. Throws the last error when the policy gives up.
 */
export async function runTransaction<T>(
  session: ClientSession,
  fn: (session: ClientSession) => Promise<T>,
  options: TransactionOptions,
  policy: TransactionRetryPolicy = DEFAULT_TRANSACTION_RETRY,
  now: () => number = Date.now,
): Promise<T> {
  const started = now();
  let attempts = 0;
  const again = async (error: unknown, failure: TransactionFailure): Promise<void> => {
    const decision = retryDecision(failure, attempts, now() - started, policy);
    if (!decision.retry) throw error;
    await sleep(decision.delayMs);
  };
  for (;;) {
    attempts += 1;
    session.startTransaction(options);
    let result: T;
    try {
      result = await fn(session);
    } catch (error) {
      if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
      await again(error, transactionFailure(error));
      continue;
    }
    for (;;) {
      try {
        await session.commitTransaction();
        return result;
      } catch (error) {
        const failure = transactionFailure(error);
        if (failure !== 'unknownCommitResult') {
          // Transient at commit: the transaction was aborted; run it again from the start.
          await again(error, failure);
          break;
        }
        await again(error, failure);
        attempts += 1;
      }
    }
  }
}
