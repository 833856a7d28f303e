/** A time for a query string: Dates as ISO, epoch ms as digits, strings (`5h`, `now-1h`, ISO) unchanged. */
export function timeParam(value: string | number | Date | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value instanceof Date ? value.toISOString() : String(value);
}
