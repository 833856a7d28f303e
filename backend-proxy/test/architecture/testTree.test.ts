/**
 * The test tree mirrors src/: a test of `src/a/b/x.ts` lives in `test/a/b/`, so the tests of a
 * module are found where the module is. Only the cross-cutting suites have folders of their own.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TEST = path.join(ROOT, 'test');
const SRC = path.join(ROOT, 'src');
/** Suites about the whole proxy rather than one module, and the tests' own support code. */
const CROSS_CUTTING = new Set(['architecture', 'hardening', 'helpers', 'fixtures']);

function testFolders(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (!statSync(full).isDirectory()) return [];
    const relative = path.relative(TEST, full);
    if (CROSS_CUTTING.has(relative.split(path.sep)[0])) return [];
    return [relative, ...testFolders(full)];
  });
}

describe('the test tree', () => {
  it('has a folder in src/ for each of its folders', () => {
    const folders = testFolders(TEST);
    expect(folders.length).toBeGreaterThan(10);
    expect(folders.filter((f) => !existsSync(path.join(SRC, f)))).toEqual([]);
  });
});
