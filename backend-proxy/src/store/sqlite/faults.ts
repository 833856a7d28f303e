/** Which SQLite and file-system failures are store faults (503, retry later) rather than bugs. */
import { statSync } from 'node:fs';
import type { StoreFaultClassifier } from '../storeFault';

/** SQLite result codes (extended codes start with these) that mean the disk or file, not the query. */
const SQLITE_FAULTS: Array<[string, string]> = [
  ['SQLITE_FULL', 'the disk is full'],
  ['SQLITE_IOERR', 'the disk failed a read or write'],
  ['SQLITE_READONLY', 'the store file is read-only'],
  ['SQLITE_CANTOPEN', 'the store file cannot be opened'],
  ['SQLITE_BUSY', 'the store file is locked by another process'],
  ['SQLITE_CORRUPT', 'the store file is corrupt'],
  ['SQLITE_NOTADB', 'the store file is not a database'],
];

/** Node file-system codes met while writing artifacts beside the store file. */
const FILE_FAULTS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  EIO: 'the disk failed a read or write',
};

/** Thrown by the precheck when the store file was deleted or replaced under the running proxy. */
export class StoreFileGoneError extends Error {}

export const classifySqliteFault: StoreFaultClassifier = (error) => {
  if (error instanceof StoreFileGoneError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const sqlite = SQLITE_FAULTS.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`));
  if (sqlite) return sqlite[1];
  return FILE_FAULTS[code] ?? null;
};

/**
 * A check that the file (and artifact folder) the connection opened are still the ones on disk.
 * SQLite keeps writing to a deleted file's inode, so without this every write after `rm -r data/`
 * would be acknowledged and lost at the next restart.
 */
export function fileIdentityCheck(file: string, artifactDir: string): () => void {
  const opened = statSync(file);
  return () => {
    let current;
    try {
      current = statSync(file);
      statSync(artifactDir);
    } catch {
      throw new StoreFileGoneError(`the store file ${file} or its artifact folder was deleted`);
    }
    if (current.ino !== opened.ino || current.dev !== opened.dev)
      throw new StoreFileGoneError(
        `the store file ${file} was replaced; restart the proxy to open the new one`,
      );
  };
}
