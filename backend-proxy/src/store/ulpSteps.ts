/**
 * Distances between doubles in units in the last place (ULPs): how many representable doubles
 * lie from one to the other. Sums of short decimals (0.1 + 0.2) land a few ULPs from the short
 * decimal, so a decimal and a small step describe them exactly in fewer bytes than a float64.
 */
const double = new Float64Array(1);
/** The two 32-bit words of `double`, high word first whatever the platform's byte order. */
const words = new Uint32Array(double.buffer);
const [HIGH, LOW] = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f ? [1, 0] : [0, 1];
const WORD = 2 ** 32;

/** The high magnitude word of |v| (at most 31 bits) and its low word, in `words`. */
function load(v: number): void {
  double[0] = v;
  words[HIGH] &= 0x7fffffff;
}

/**
 * ULP steps from `from` to `to` away from zero (negative: towards zero); NaN unless both are
 * finite, non-zero and of the same sign.
 */
export function ulpDistance(from: number, to: number): number {
  if (!Number.isFinite(from) || !Number.isFinite(to) || from === 0 || to === 0 || from > 0 !== to > 0)
    return NaN;
  load(from);
  const high = words[HIGH];
  const low = words[LOW];
  load(to);
  return (words[HIGH] - high) * WORD + (words[LOW] - low);
}

/** The double `steps` ULPs from `v` away from zero (|steps| small; `v` finite and non-zero). */
export function stepUlps(v: number, steps: number): number {
  if (steps === 0) return v;
  load(v);
  let l = words[LOW] + steps;
  let h = words[HIGH];
  const carry = Math.floor(l / WORD);
  l -= carry * WORD;
  h += carry;
  words[HIGH] = (v < 0 ? 0x80000000 : 0) + h;
  words[LOW] = l;
  return double[0];
}
