import { Float64Slab } from '../../../src/monitoring/aggregates/float64Slab';

describe('Float64Slab', () => {
  it('hands out zeroed views that do not overlap, in shared chunks; a request over a chunk gets its own array', () => {
    const slab = new Float64Slab();
    const a = slab.take(3);
    const b = slab.take(2);
    a.fill(7);
    expect([...a]).toEqual([7, 7, 7]);
    expect([...b]).toEqual([0, 0]);
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(a.byteOffset + 3 * 8);
    // 16,384 doubles per chunk: this one no longer fits beside a and b.
    const c = slab.take(16_380);
    expect(c.buffer).not.toBe(a.buffer);
    expect(c.length).toBe(16_380);
    const own = slab.take(20_000);
    expect(own.byteOffset).toBe(0);
    expect(own.buffer.byteLength).toBe(20_000 * 8);
    expect(slab.take(4).buffer).toBe(c.buffer);
  });
});
