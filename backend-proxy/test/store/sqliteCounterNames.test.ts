/** The embedded store's counter-name dictionary stays consistent when two processes open one file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite';
import type { AggregateDelta, Store } from '../../src/store/types';

const key = (start: number) => ({
  endpointId: 'e1',
  family: 'ops',
  resolution: 'minute' as const,
  start,
  referenceVersion: 0,
});
const delta = (start: number, add: Record<string, number>): AggregateDelta => ({
  key: key(start),
  add,
  min: {},
  max: {},
});
const sumsAt = async (store: Store, start: number) =>
  (await store.listAggregates({ ...key(start), from: start, to: start + 1 }))[0]?.sums;

describe('embedded store counter names across two openers of one file', () => {
  let folder: string;
  let a: Store;
  let b: Store;
  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'driftwatch-names-'));
    a = await openSqliteStore(join(folder, 'store.db'));
    b = await openSqliteStore(join(folder, 'store.db'));
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('reads names the other opener added after it loaded the dictionary', async () => {
    await a.applyAggregates([delta(0, { n: 3, err: 1 })]);
    expect(await sumsAt(b, 0)).toEqual({ n: 3, err: 1 });
  });

  it('gives a new name the next free id when the other opener added names meanwhile', async () => {
    await a.applyAggregates([delta(0, { n: 3 })]);
    await b.applyAggregates([delta(60_000, { err: 2 })]);
    expect(await sumsAt(a, 60_000)).toEqual({ err: 2 });
    expect(await sumsAt(b, 0)).toEqual({ n: 3 });
    expect(await sumsAt(a, 0)).toEqual({ n: 3 });
  });
});
