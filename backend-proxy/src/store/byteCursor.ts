/**
 * Byte-level writing and reading for the compact encodings (aggregateCodec.ts, aggregateBlock.ts):
 * unsigned LEB128 varints over safe integers (arithmetic, not 32-bit bitwise operations),
 * little-endian float64, and runs of non-negative integers packed at a fixed bit width (32-bit
 * integer operations up to 24 bits, arithmetic above).
 */
/** The same 8 bytes as a double (written little-endian whatever the platform's byte order). */
const floatValue = new Float64Array(1);
const floatBytes = new Uint8Array(floatValue.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;
/** Packed runs up to this width are written and read with 32-bit integer operations. */
const SMALL_INT_WIDTH = 24;

export class ByteWriter {
  private buffer = new Uint8Array(1024);
  private length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  varint(value: number): void {
    this.room(8);
    let v = value;
    while (v >= 0x80) {
      this.buffer[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buffer[this.length++] = v;
  }

  float64(value: number): void {
    this.room(8);
    floatValue[0] = value;
    if (LITTLE_ENDIAN) for (let j = 0; j < 8; j++) this.buffer[this.length++] = floatBytes[j];
    else for (let j = 0; j < 8; j++) this.buffer[this.length++] = floatBytes[7 - j];
  }

  /** values[from, from + count), each < 2^width (width 1..32), least significant bits first. */
  packed(values: ArrayLike<number>, from: number, count: number, width: number): void {
    this.room(Math.ceil((count * width) / 8) + 1);
    if (width <= SMALL_INT_WIDTH) {
      // At most width + 7 <= 31 bits wait in `pending`: 32-bit integer operations are exact.
      const buffer = this.buffer;
      let length = this.length;
      let pending = 0;
      let bits = 0;
      for (let i = from; i < from + count; i++) {
        pending |= values[i] << bits;
        bits += width;
        while (bits >= 8) {
          buffer[length++] = pending & 0xff;
          pending >>>= 8;
          bits -= 8;
        }
      }
      if (bits > 0) buffer[length++] = pending;
      this.length = length;
      return;
    }
    // At most width + 7 bits wait in `pending`: exact in a double.
    let pending = 0;
    let bits = 0;
    for (let i = from; i < from + count; i++) {
      pending += values[i] * 2 ** bits;
      bits += width;
      while (bits >= 8) {
        const byte = pending % 256;
        this.buffer[this.length++] = byte;
        pending = (pending - byte) / 256;
        bits -= 8;
      }
    }
    if (bits > 0) this.buffer[this.length++] = pending;
  }

  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Empty again, keeping its buffer. */
  reset(): this {
    this.length = 0;
    return this;
  }

  written(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

export class ByteReader {
  at = 0;

  constructor(
    readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}

  private truncated(): RangeError {
    return new RangeError(`truncated ${this.what}`);
  }

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  /** Throws unless `n` more bytes are there (before allocating for them). */
  need(n: number): void {
    if (this.at + n > this.bytes.length) throw this.truncated();
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.at >= this.bytes.length) throw this.truncated();
      const b = this.bytes[this.at++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
  }

  float64(): number {
    this.need(8);
    const bytes = this.bytes;
    const at = this.at;
    // Byte by byte into a typed array over the same memory: cheaper than a DataView per byte.
    if (LITTLE_ENDIAN) for (let j = 0; j < 8; j++) floatBytes[j] = bytes[at + j];
    else for (let j = 0; j < 8; j++) floatBytes[7 - j] = bytes[at + j];
    this.at = at + 8;
    return floatValue[0];
  }

  byte(): number {
    this.need(1);
    return this.bytes[this.at++];
  }

  /** `count` values packed at `width` bits into out[from, from + count). */
  packed(out: Float64Array, from: number, count: number, width: number): void {
    this.need(Math.ceil((count * width) / 8));
    if (width <= SMALL_INT_WIDTH) {
      // At most width + 7 <= 31 bits wait in `pending`: 32-bit integer operations are exact.
      const bytes = this.bytes;
      const mask = (1 << width) - 1;
      let at = this.at;
      let pending = 0;
      let bits = 0;
      for (let i = from; i < from + count; i++) {
        while (bits < width) {
          pending |= bytes[at++] << bits;
          bits += 8;
        }
        out[i] = pending & mask;
        pending >>>= width;
        bits -= width;
      }
      this.at = at;
      return;
    }
    const unit = 2 ** width;
    let pending = 0;
    let bits = 0;
    for (let i = from; i < from + count; i++) {
      while (bits < width) {
        pending += this.bytes[this.at++] * 2 ** bits;
        bits += 8;
      }
      const v = pending % unit;
      out[i] = v;
      pending = (pending - v) / unit;
      bits -= width;
    }
  }

  slice(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}
