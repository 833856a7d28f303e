import { z } from 'zod';

export { parse } from '../schemas/parse';
export { endpointIdSchema, experimentName, identifier, projectName } from '../schemas/names';

/** A query parameter given once, repeated, or comma separated, as a list of non-empty strings. */
export const listParam = z.union([z.string(), z.array(z.string())]).transform((v) =>
  (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== ''),
);

/** The `Idempotency-Key` header: a retried request with the same key is applied once. */
export const idempotencyKeyHeader = z.string().min(1).max(256).optional();
export const singleParam = z.string({ error: 'must be given once, as a string' });

// Plain decimal only: Number() would also read "0x1F", "1e3", " 12", "0b11" and "Infinity".
const DECIMAL = /^-?\d{1,20}(?:\.\d{1,20})?$/;

/** A finite number from a query string, written as a plain decimal (`12`, `-3`, `0.25`). */
export const numberParam = singleParam.transform((s, ctx) => {
  const n = Number(s);
  if (!DECIMAL.test(s) || !Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `"${s.slice(0, 64)}" is not a plain decimal number` });
    return z.NEVER;
  }
  return n;
});

/**
 * Where a JSON value holds what no field stores: a non-finite number (`1e400` parses to Infinity) or
 * an object key starting with "$" (a database operator such as `{"$gt": ""}`).
 */
export function hostileJsonAt(
  value: unknown,
  path: PropertyKey[] = [],
): { path: PropertyKey[]; message: string } | null {
  if (typeof value === 'number')
    return Number.isFinite(value) ? null : { path, message: 'a number out of range (not finite)' };
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = hostileJsonAt(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  for (const key in value) {
    if (key.startsWith('$'))
      return { path: [...path, key], message: 'a key starting with "$" (an operator)' };
    const found = hostileJsonAt((value as Record<string, unknown>)[key], [...path, key]);
    if (found) return found;
  }
  return null;
}

/** Any JSON value except what `hostileJsonAt` finds; the issue names the path. */
export const plainJson = z.unknown().superRefine((value, ctx) => {
  const found = hostileJsonAt(value);
  if (found) ctx.addIssue({ code: 'custom', message: found.message, path: found.path });
});

/** A row of a data set (reference, comparison): column name to any plain JSON value. */
export const dataRow = z.record(z.string(), z.unknown()).superRefine((row, ctx) => {
  const found = hostileJsonAt(row);
  if (found) ctx.addIssue({ code: 'custom', message: found.message, path: found.path });
});

export const booleanParam = singleParam.transform((s, ctx) => {
  if (['true', '1', 'yes'].includes(s)) return true;
  if (['false', '0', 'no'].includes(s)) return false;
  ctx.addIssue({ code: 'custom', message: `"${s}" is not true or false` });
  return z.NEVER;
});

export const intParam = (min: number, max: number) => numberParam.pipe(z.number().int().min(min).max(max));
