/** Doubles per slab chunk (128 KiB): a batch's minutes take few chunks. */
const CHUNK = 16_384;

/**
 * Hands out zeroed Float64Arrays as views of shared chunks: a typed array's own buffer costs an
 * allocation outside the JS heap (about a microsecond), and a batch folds into hundreds of them.
 * A chunk lives while any of its views does (here: until the batch is committed).
 */
export class Float64Slab {
  private chunk = new Float64Array(0);
  private used = 0;

  take(length: number): Float64Array {
    if (length > CHUNK) return new Float64Array(length);
    if (this.used + length > this.chunk.length) {
      this.chunk = new Float64Array(CHUNK);
      this.used = 0;
    }
    const view = this.chunk.subarray(this.used, this.used + length);
    this.used += length;
    return view;
  }
}
