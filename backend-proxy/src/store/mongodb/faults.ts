/** Which MongoDB driver errors are store faults (503, retry later) rather than bugs. */
import {
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from 'mongodb';
import type { StoreFaultClassifier } from '../storeFault';

/** Server error codes meaning "no usable primary / majority / time", not a bad query. */
const SERVER_FAULT_CODES: Record<number, string> = {
  6: 'the MongoDB host is unreachable',
  7: 'the MongoDB host is not found',
  50: 'a MongoDB operation exceeded its time limit',
  64: 'MongoDB could not confirm the write on a majority in time',
  89: 'a MongoDB network operation timed out',
  91: 'MongoDB is shutting down',
  100: 'MongoDB cannot satisfy the majority write concern',
  189: 'the MongoDB primary stepped down',
  262: 'a MongoDB operation exceeded its time limit',
  10107: 'the MongoDB node is not the primary',
  11600: 'MongoDB was interrupted at shutdown',
  11602: 'MongoDB was interrupted by a replica set state change',
  13435: 'the MongoDB node is not the primary',
  13436: 'the MongoDB node is recovering',
};

/** Driver errors raised when a limit of timeLimits.ts runs out. */
const TIMEOUT_NAMES = new Set([
  'MongoOperationTimeoutError',
  'MongoWaitQueueTimeoutError',
  'MongoNetworkTimeoutError',
]);

/**
 * Socket errors the driver (6.x) sometimes lets through unwrapped, e.g. EPIPE when it writes to a
 * connection the server already closed (the server stopped).
 */
const SOCKET_ERROR_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTCONN',
]);

export const classifyMongoFault: StoreFaultClassifier = (error) => {
  if (error instanceof MongoServerSelectionError)
    return 'the MongoDB store did not answer in time (no server could be selected)';
  if (error instanceof Error && TIMEOUT_NAMES.has(error.name))
    return 'the MongoDB store did not answer in time';
  if (error instanceof MongoNetworkError) return 'the connection to MongoDB failed';
  // Not `instanceof Error`: Node's own errors may come from another realm (e.g. under a test VM).
  const code =
    typeof error === 'object' && error !== null ? (error as NodeJS.ErrnoException).code : undefined;
  if (typeof code === 'string' && SOCKET_ERROR_CODES.has(code)) return 'the connection to MongoDB failed';
  if (error instanceof Error && error.name === 'MongoPoolClearedError')
    return 'the connection to MongoDB failed';
  if (error instanceof MongoNotConnectedError || error instanceof MongoTopologyClosedError)
    return 'the MongoDB client is not connected';
  if (error instanceof MongoWriteConcernError) return 'MongoDB could not confirm the write on a majority';
  if (!(error instanceof MongoError)) return null;
  const server = typeof error.code === 'number' ? error.code : undefined;
  if (server !== undefined && SERVER_FAULT_CODES[server]) return SERVER_FAULT_CODES[server];
  if (error.hasErrorLabel('TransientTransactionError')) return 'a MongoDB transaction hit a transient fault';
  return null;
};
