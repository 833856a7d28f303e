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
      result.error.issues.flatMap(furthestAlternative).map((issue) => ({
        path: [where, ...issue.path].join('.'),
        message: issue.message,
      })),
    );
  }
  return result.data;
}

/**
 * A value matching no alternative of a union (a batch given as an array or as `{labels: [...]}`)
 * is reported through the alternative that got furthest into it, so the error names the bad field.
 */
function furthestAlternative(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const depth = (issues: z.core.$ZodIssue[]) => Math.max(0, ...issues.map((i) => i.path.length));
  const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
  if (depth(best) === 0) return [issue];
  return best.flatMap((inner) => furthestAlternative({ ...inner, path: [...issue.path, ...inner.path] }));
}
