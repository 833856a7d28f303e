import type { Store } from '../../src/store/types';

/** What each section of the contract gets: the store of the running test, and how to declare a test. */
export interface ContractSuite {
  /** Forwards to the fresh store opened for the running test. */
  store: Store;
  /** Declares a contract test (skipped when the target's skip list names it). */
  contractTest: (name: string, fn: () => Promise<void>, timeout?: number) => void;
}

/** A Store that forwards every call to the store of the running test (each test opens a fresh one). */
export function currentStore(current: () => Store): Store {
  return new Proxy({} as Store, {
    get: (_target, name) => {
      const store = current();
      const value: unknown = Reflect.get(store, name);
      return typeof value === 'function' ? value.bind(store) : value;
    },
  });
}
