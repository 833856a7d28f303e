import { InvalidInputError } from '../errors';

/** The cursor is the (dt, seq) of the last event returned: pages stay stable while events are appended. */
export function encodeEventCursor(dt: Date, seq: number): string {
  return Buffer.from(JSON.stringify([dt.getTime(), seq])).toString('base64url');
}

export function decodeEventCursor(cursor: string): { dt: Date; seq: number } {
  const invalid = () =>
    new InvalidInputError('invalid cursor: pass the cursor of the previous page unchanged');
  if (typeof cursor !== 'string') throw new TypeError('cursor: expected a string');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !parsed.every((n) => typeof n === 'number' && Number.isSafeInteger(n))
  ) {
    throw invalid();
  }
  return { dt: new Date(parsed[0] as number), seq: parsed[1] as number };
}
