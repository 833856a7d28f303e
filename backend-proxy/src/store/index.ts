import { openMongoStore } from './mongodb';
import { openSqliteStore } from './sqlite';
import type { Store, StoreLog } from './types';

export type { Store } from './types';

/**
 * Picks the implementation from the store setting: a MongoDB URL, `:memory:`, or a file path.
 * `log` receives the progress of migrations that run at open and of sealing aggregates (both batched).
 */
export function openStore(location: string, log?: StoreLog): Promise<Store> {
  return /^mongodb(\+srv)?:\/\//.test(location)
    ? openMongoStore(location, { log })
    : openSqliteStore(location, log);
}
