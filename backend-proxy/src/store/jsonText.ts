/**
 * JSON values (`unknown`) are stored as JSON text by both stores: text round-trips every JSON
 * value exactly, and in MongoDB user data may hold keys such as `$gt` or `a.b` that update
 * operators ($set, $setOnInsert) refuse or interpret.
 */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value ?? null) ?? 'null';
}

export function fromJsonText<T = unknown>(text: string | null | undefined): T {
  return (text === null || text === undefined ? null : JSON.parse(text)) as T;
}
