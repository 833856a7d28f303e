/**
 * Distances between doubles in units in the last place (ULPs): how many representable doubles
 * lie from one to the other. Sums of short decimals (0.1 + 0.2) land a few ULPs from the short
 * decimal, so a decimal and a small step describe them exactly in fewer bytes than a float64.
 */
const bits = new DataView(new ArrayBuffer(8));
const WORD = 2 ** 32;

/** The magnitude bits of |v| as one number (exact: the top word holds at most 31 bits). */
function magnitude(v: number): { high: number; low: number } {
  bits.setFloat64(0, v);
  return { high: bits.getUint32(0) & 0x7fffffff, low: bits.getUint32(4) };
}

/**
 * ULP steps from `from` to `to` away from zero (negative: towards zero); NaN unless both are
 * finite, non-zero and of the same sign.
 */
export function ulpDistance(from: number, to: number): number {
  if (!Number.isFinite(from) || !Number.isFinite(to) || from === 0 || to === 0 || from > 0 !== to > 0)
    return NaN;
  const a = magnitude(from);
  const b = magnitude(to);
  return (b.high - a.high) * WORD + (b.low - a.low);
}

/** The double `steps` ULPs from `v` away from zero (|steps| small; `v` finite and non-zero). */
export function stepUlps(v: number, steps: number): number {
  if (steps === 0) return v;
  const { high, low } = magnitude(v);
  let l = low + steps;
  let h = high;
  const carry = Math.floor(l / WORD);
  l -= carry * WORD;
  h += carry;
  bits.setUint32(0, (v < 0 ? 0x80000000 : 0) + h);
  bits.setUint32(4, l);
  return bits.getFloat64(0);
}
