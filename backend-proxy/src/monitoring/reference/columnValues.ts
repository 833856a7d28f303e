/** How Driftwatch reads one cell: what counts as missing, as a number, as a category. */

export function isMissing(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    value === '' ||
    (typeof value === 'number' && Number.isNaN(value))
  );
}

/** A finite number, or a numeric string (CSV cells), else null. */
export function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Categories are compared as strings so that 1, "1" and true/"true" stay stable across JSON and CSV. */
export function asCategory(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
