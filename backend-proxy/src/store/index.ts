import { openMongoStore } from './mongodb';
import { openSqliteStore } from './sqlite';
import type { Store } from './types';

export type { Store } from './types';

/** Picks the implementation from the store setting: a MongoDB URL, `:memory:`, or a file path. */
export function openStore(location: string): Promise<Store> {
  return /^mongodb(\+srv)?:\/\//.test(location) ? openMongoStore(location) : openSqliteStore(location);
}
