/**
 * Time limits on MongoDB operations. The driver (6.x) ignores `timeoutMS`, so each stage has its
 * own limit: server selection (`serverSelectionTimeoutMS`), a pooled connection
 * (`waitQueueTimeoutMS`) and the reply (`socketTimeoutMS`), all set to the operation limit, so a
 * server that stops answering fails the request instead of leaving it hanging. Such failures, and
 * an unreachable server, surface as `UnavailableError` (503 with Retry-After) through `faults.ts`
 * and `../storeFault.ts`.
 */
/** Default limit per operation when neither the option nor the URL's `timeoutMS` sets one. */
export const DEFAULT_OPERATION_TIMEOUT_MS = 10_000;

/** A millisecond option the URL sets (`?socketTimeoutMS=...`), if any: the URL wins over defaults. */
export function urlMillis(url: string, option: string): number | undefined {
  const match = new RegExp(`[?&]${option}=(\\d+)`, 'i').exec(url);
  return match ? Number(match[1]) : undefined;
}
