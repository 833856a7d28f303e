import type { Store } from '../../../src/store/types';

/** What each section of the contract gets: the store of the running test, and how to declare a test. */
export interface ContractSuite {
  /** The fresh store opened for the running test. */
  store: () => Store;
  /** Declares a contract test (skipped when the target's skip list names it). */
  contractTest: (name: string, fn: () => Promise<void>, timeout?: number) => void;
}
