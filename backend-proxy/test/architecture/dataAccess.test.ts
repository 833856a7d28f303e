/**
 * The rule for how the edges reach data: routers (http/), the Grafana layer (grafana/) and the
 * Prometheus exporter (metrics/) call services for anything that computes, writes or checks
 * access, and may call the store directly only for plain reads (get/list/find/ping, and `kind`).
 * Everything that changes the store goes through a service, so validation, idempotency and
 * project limits live in one place. This test reads the sources and fails on any other store call.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../../src');
const EDGES = ['http', 'grafana', 'metrics'];
const READ = /^(get|list|find|ping$|kind$|aggregateExtent$)/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sources(full);
    return entry.endsWith('.ts') ? [full] : [];
  });
}

/** `store.method` uses in a file: `deps.store.x`, `ctx.deps.store.x`, `this.store.x`, or a local `store.x`. */
function storeCalls(text: string): string[] {
  return [...text.matchAll(/\bstore\.([A-Za-z]+)\b/g)].map((m) => m[1]);
}

describe('data access from the edges', () => {
  const files = EDGES.flatMap((edge) => sources(path.join(SRC, edge)));

  it('reads the edge sources (the rule applies to something)', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files.some((f) => storeCalls(readFileSync(f, 'utf8')).length > 0)).toBe(true);
  });

  it('calls the store only for plain reads', () => {
    const offending = files.flatMap((file) =>
      storeCalls(readFileSync(file, 'utf8'))
        .filter((method) => !READ.test(method))
        .map((method) => `${path.relative(SRC, file)}: store.${method}`),
    );
    expect(offending).toEqual([]);
  });

  it('recognises a write as one', () => {
    expect(storeCalls('await deps.store.commitIngest(x); ctx.deps.store.getEndpoint(id)')).toEqual([
      'commitIngest',
      'getEndpoint',
    ]);
    expect(READ.test('commitIngest')).toBe(false);
    expect(READ.test('listSamples')).toBe(true);
  });
});
