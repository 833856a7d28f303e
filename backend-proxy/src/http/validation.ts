import { z } from 'zod';
import { InvalidInputError } from '../errors';

/** Parses a request part with a schema; failures become a 400 listing every problem. */
export function parse<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  where: 'body' | 'query' | 'path' | 'header' | 'flags',
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InvalidInputError(
      `invalid ${where}`,
      result.error.issues.map((issue) => ({
        path: [where, ...issue.path].join('.'),
        message: issue.message,
      })),
    );
  }
  return result.data;
}

// Names become keys and filter values; keep them free of anything a database could read as syntax.
export const projectName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    'letters, digits, "_", "-" and "." (max 64), starting with a letter or digit',
  );
export const experimentName = z
  .string()
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9_.\-/: ]{0,199}$/,
    'letters, digits, space and "_ . - / :" (max 200), not starting with a symbol',
  );
export const identifier = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.\-:]{0,127}$/, 'letters, digits and "_ . - :" (max 128)');

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

/** A finite number from a query string. */
export const numberParam = singleParam.transform((s, ctx) => {
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a finite number` });
    return z.NEVER;
  }
  return n;
});

export const booleanParam = singleParam.transform((s, ctx) => {
  if (['true', '1', 'yes'].includes(s)) return true;
  if (['false', '0', 'no'].includes(s)) return false;
  ctx.addIssue({ code: 'custom', message: `"${s}" is not true or false` });
  return z.NEVER;
});

export const intParam = (min: number, max: number) => numberParam.pipe(z.number().int().min(min).max(max));
