/** A number JSON and Grafana can carry: NaN, infinities and absent values become null ("no value"). */
export const finiteOrNull = (x: number | null | undefined): number | null =>
  x === null || x === undefined || !Number.isFinite(x) ? null : x;
