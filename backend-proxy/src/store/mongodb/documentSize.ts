/**
 * MongoDB refuses documents over 16 MiB of BSON (and the driver fails on them with assorted
 * low-level errors). Writes that carry client-sized content check first and answer 413.
 */
import { BSON } from 'mongodb';
import { PayloadTooLargeError } from '../../errors';

/** MongoDB's maximum BSON document size. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
/** Room for the fields and operators around the content in the command that writes it. */
const ENVELOPE_BYTES = 16 * 1024;

/** Throws PayloadTooLargeError, before anything is written, if `doc` cannot be stored as one document. */
export function assertDocumentFits(doc: object, what: string): void {
  const bytes = BSON.calculateObjectSize(doc);
  if (bytes + ENVELOPE_BYTES > MAX_DOCUMENT_BYTES)
    throw new PayloadTooLargeError(
      `${what} is ${bytes} bytes as BSON, over MongoDB's 16 MB document limit; nothing was written`,
    );
}
