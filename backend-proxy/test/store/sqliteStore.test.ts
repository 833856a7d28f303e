/** The embedded (SQLite) store against the store contract, in memory: runs everywhere. */
import { openSqliteStore } from '../../src/store/sqlite';
import { describeStoreContract } from './storeContract';

describeStoreContract('embedded', () => openSqliteStore(':memory:'));
