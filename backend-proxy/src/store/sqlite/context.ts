import type Database from 'better-sqlite3';

/** What every part of the embedded store shares: the connection and the artifact folder. */
export interface SqliteContext {
  db: Database.Database;
  artifactDir: string;
}

export const toJson = (value: unknown): string => JSON.stringify(value ?? null);
export const fromJson = <T>(text: string | null): T =>
  text === null ? (null as T) : (JSON.parse(text) as T);
export const toDate = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
export const placeholders = (count: number): string => new Array<string>(count).fill('?').join(',');

/** Adds `column IN (?, ...)` for a filter given as a list; an undefined list filters nothing. */
export function addInFilter(
  clauses: string[],
  params: Array<string | number>,
  column: string,
  values: ReadonlyArray<string | number> | undefined,
): void {
  if (values === undefined) return;
  clauses.push(`${column} IN (${placeholders(values.length)})`);
  params.push(...values);
}
