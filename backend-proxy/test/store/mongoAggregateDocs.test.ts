/** The MongoDB aggregate document encoding (aggregateDocs.ts): pure, no server needed. */
import { CounterNames } from '../../src/store/counterNames';
import {
  aggregateRecordOf,
  aggregateUpserts,
  counterField,
  counterIdOf,
  deltaCounterNames,
  closedLiveFilter,
  legacyCounterNames,
  sealing,
  storedCounterIds,
} from '../../src/store/mongodb/aggregateDocs';
import { Binary } from 'mongodb';
import { decodeCounters, encodeCounters } from '../../src/store/aggregateCodec';
import type { AggregateDoc } from '../../src/store/mongodb/collections';
import type { NamedDelta } from '../../src/store/namedDelta';

const key = {
  endpointId: 'e1',
  family: 'ops',
  resolution: 'minute' as const,
  start: 60_000,
  referenceVersion: 2,
};
const keyFields = {
  endpointId: 'e1',
  family: 'ops',
  resolution: 'minute',
  start: 60_000,
  referenceVersion: 2,
};

/** An in-memory dictionary: ids in the order names are first seen. */
function dictionary(...names: string[]): CounterNames {
  const ids = new CounterNames([], () => undefined);
  for (const name of names) ids.idOf(name);
  return ids;
}

describe('mongodb aggregate documents', () => {
  test('counter ids are field names in base 36, and nothing else is accepted as one', () => {
    expect([0, 9, 10, 35, 36, 1295, 1296].map(counterField)).toEqual(['0', '9', 'a', 'z', '10', 'zz', '100']);
    for (const id of [0, 35, 36, 1295, 46_655, 2 ** 40]) expect(counterIdOf(counterField(id))).toBe(id);
    for (const bad of ['', 'A', 'a.b', '$inc', '-1', 'f:0'])
      expect(() => counterIdOf(bad)).toThrow(RangeError);
  });

  test('a delta becomes $inc/$min/$max on counter ids; an empty one still creates the interval', () => {
    const ids = dictionary('n', 'f:0:sum', 'f:0');
    for (let k = 3; k < 40; k++) ids.idOf(`pad:${k}`);
    ids.idOf('f:0:h:12'); // id 40 = "14"
    const deltas: NamedDelta[] = [
      { key, add: { n: 3, 'f:0:sum': -1.25, 'f:0:h:12': 2 }, min: { 'f:0': -0.5 }, max: { 'f:0': 4 } },
      { key: { ...key, start: 120_000 }, add: {}, min: {}, max: {} },
    ];
    expect(deltaCounterNames(deltas).sort()).toEqual(['f:0', 'f:0:h:12', 'f:0:sum', 'n']);
    expect(aggregateUpserts(deltas, ids)).toEqual([
      {
        updateOne: {
          filter: keyFields,
          update: {
            $inc: { 's.0': 3, 's.1': -1.25, 's.14': 2, w: 1 },
            $min: { 'lo.2': -0.5 },
            $max: { 'hi.2': 4 },
            $set: { live: true },
          },
          upsert: true,
        },
      },
      {
        updateOne: {
          filter: { ...keyFields, start: 120_000 },
          update: { $inc: { w: 1 }, $set: { live: true } },
          upsert: true,
        },
      },
    ]);
    expect(() => aggregateUpserts([{ key, add: { n: Number.NaN }, min: {}, max: {} }], ids)).toThrow(
      TypeError,
    );
    expect(() =>
      aggregateUpserts([{ key: { ...key, resolution: 'week' as 'day' }, add: {}, min: {}, max: {} }], ids),
    ).toThrow(RangeError);
  });

  test('a stored document reads back by name, named (legacy) and id groups merged', () => {
    const ids = dictionary('n', 'lat:sum', 'f:0');
    const doc: AggregateDoc = {
      ...keyFields,
      resolution: 'minute',
      sums: { n: 3, err: 1 },
      min: { 'f:0': 1 },
      max: { 'f:0': 9 },
      s: { '0': 2, '1': 1.5 },
      lo: { '2': 0.5 },
      hi: { '2': 4 },
    };
    expect(storedCounterIds([doc]).sort()).toEqual([0, 1, 2]);
    expect(legacyCounterNames([doc]).sort()).toEqual(['err', 'f:0', 'n']);
    expect(aggregateRecordOf(doc, ids)).toEqual({
      key,
      sums: { n: 5, err: 1, 'lat:sum': 1.5 },
      min: { 'f:0': 0.5 },
      max: { 'f:0': 9 },
    });
    // Only ids, or only names: each reads as stored.
    expect(aggregateRecordOf({ ...keyFields, resolution: 'minute', s: { '1': 7 } }, ids)).toEqual({
      key,
      sums: { 'lat:sum': 7 },
      min: {},
      max: {},
    });
    expect(
      aggregateRecordOf({ ...keyFields, resolution: 'minute', sums: {}, min: {}, max: {} }, ids),
    ).toEqual({
      key,
      sums: {},
      min: {},
      max: {},
    });
    expect(() => aggregateRecordOf({ ...keyFields, resolution: 'minute', s: { zz: 1 } }, ids)).toThrow(
      RangeError,
    );
  });

  test('sealed, live and legacy counters read as one record', () => {
    const ids = dictionary('n', 'lat:sum', 'f:0', 'err');
    // Sealed: n 10, lat:sum 0.25, f:0 in [-1, 2]; live: n +2, f:0 down to -4; legacy: err 1, n +3.
    const c = new Binary(
      encodeCounters(
        { sums: { '0': 10, '1': 0.25 }, min: { '2': -1 }, max: { '2': 2 } },
        {
          idOf: (field) => Number.parseInt(field, 36),
          nameOf: String,
        },
      ),
    );
    const doc: AggregateDoc = {
      ...keyFields,
      resolution: 'minute',
      c,
      s: { '0': 2 },
      lo: { '2': -4 },
      w: 3,
      live: true,
      sums: { err: 1, n: 3 },
    };
    expect(storedCounterIds([doc]).sort()).toEqual([0, 1, 2]);
    expect(aggregateRecordOf(doc, ids)).toEqual({
      key,
      sums: { n: 15, 'lat:sum': 0.25, err: 1 },
      min: { 'f:0': -4 },
      max: { 'f:0': 2 },
    });
  });

  test('sealing folds live and legacy counters into the binary field, with a compare-and-set', () => {
    const ids = dictionary('n', 'f:0', 'err');
    const doc = {
      _id: 'id-1',
      ...keyFields,
      resolution: 'minute' as const,
      s: { '0': 2 },
      hi: { '1': 7 },
      w: 4,
      live: true as const,
      sums: { err: 1, n: 3 },
      max: { 'f:0': 9 },
    };
    const { filter, replacement } = sealing(doc, ids);
    expect(filter).toEqual({
      _id: 'id-1',
      c: { $exists: false },
      w: 4,
      sums: { err: 1, n: 3 },
      min: { $exists: false },
      max: { 'f:0': 9 },
    });
    // The key, the sealed counters and the write count: nothing live or named is left.
    const { c, ...rest } = replacement;
    expect(rest).toEqual({ ...keyFields, w: 4 });
    expect(c).toBeInstanceOf(Binary);
    expect(decodeCounters((c as Binary).buffer, { idOf: () => 0, nameOf: (id) => ids.nameOf(id) })).toEqual({
      sums: { n: 5, err: 1 },
      min: {},
      max: { 'f:0': 9 },
    });
    // A document the previous version wrote alone: no w yet, and none after.
    const legacy = sealing(
      { _id: 'id-2', ...keyFields, resolution: 'minute', sums: {}, min: {}, max: {} },
      ids,
    );
    expect(legacy.filter).toEqual({
      _id: 'id-2',
      c: { $exists: false },
      w: { $exists: false },
      sums: {},
      min: {},
      max: {},
    });
    // Sealed before: its sealed counters as read are part of the compare-and-set.
    expect(sealing({ ...doc, c: replacement.c }, ids).filter).toMatchObject({ c: replacement.c, w: 4 });
    expect(Object.keys(legacy.replacement).sort()).toEqual([...Object.keys(keyFields), 'c'].sort());
  });

  test('records to seal: live ones whose interval ended before the time', () => {
    expect(closedLiveFilter('minute', 600_000)).toEqual({
      live: true,
      resolution: 'minute',
      start: { $lt: 540_000 },
    });
    expect(closedLiveFilter('hour', 7_200_000)).toEqual({
      live: true,
      resolution: 'hour',
      start: { $lt: 3_600_000 },
    });
  });
});
