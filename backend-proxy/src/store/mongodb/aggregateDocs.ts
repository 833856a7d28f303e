/**
 * How an aggregate record is stored in MongoDB (docs/mongodb.md, "Aggregate encoding"):
 *
 *   { endpointId, family, resolution, start, referenceVersion,        the key, unchanged
 *     c: Binary,                                                       sealed counters
 *     s: { <id>: sum }, lo: { <id>: minimum }, hi: { <id>: maximum },  live counters
 *     w: writes so far, live: true }                                   (only while live ones exist)
 *
 * where <id> is the counter's id in the shared dictionary (counterNames.ts) in base 36 ("0".."z",
 * "10".."zz", ...). Writers send `$inc`/`$min`/`$max` on live counters (and `$inc` w), so the
 * server applies concurrent deltas from any number of replicas to one document, without a read
 * first and without lost updates. Sealing (once a record's interval is over, and by the migration)
 * folds the live counters into `c`, store/aggregateCodec.ts's varint encoding over counter ids,
 * with one compare-and-set on `w`: a write in between makes it match nothing, and it is tried
 * again from a fresh read. A record reads as c + live counters (sums add, extremes combine).
 *
 * Documents of the earlier encoding name their counters in `sums`/`min`/`max` ("legacy" here);
 * they are read and merged too, so a document reads the same before, during and after the
 * migration (aggregateCompaction.ts), and while replicas of the previous version still write it.
 *
 * The key fields are built and read only here (aggregateKeyFields, aggregateKeyOf).
 */
import { Binary, type AnyBulkWriteOperation, type Filter, type UpdateFilter } from 'mongodb';
import { decodeCounters, encodeCounters } from '../aggregateCodec';
import type { CounterNameIds } from '../counterNames';
import type { NamedDelta } from '../namedDelta';
import type {
  AggregateKey,
  AggregateQuery,
  AggregateRange,
  AggregateRecord,
  CounterMaps,
  Counters,
  Resolution,
} from '../types';
import { RESOLUTION_MS, RESOLUTIONS } from '../types';
import type { AggregateDoc } from './collections';
import { plainNumber, plainString, readNumber } from './codec';

export function resolution(value: unknown): Resolution {
  if (!RESOLUTIONS.includes(value as Resolution)) throw new RangeError(`unknown resolution ${String(value)}`);
  return value as Resolution;
}

// ---------------------------------------------------------------- key

type AggregateKeyFields = Pick<
  AggregateDoc,
  'endpointId' | 'family' | 'resolution' | 'start' | 'referenceVersion'
>;

/**
 * The key fields of a record (its unique index, and the shard key's fields): the filter naming
 * exactly that record, and what a sealed replacement keeps.
 */
export function aggregateKeyFields(key: AggregateKey): AggregateKeyFields {
  return {
    endpointId: plainString(key.endpointId, 'endpointId'),
    family: plainString(key.family, 'family'),
    resolution: resolution(key.resolution),
    start: plainNumber(key.start, 'start'),
    referenceVersion: plainNumber(key.referenceVersion, 'referenceVersion'),
  };
}

/** The records of one endpoint, family and resolution whose start is in [from, to). */
export function aggregateRangeFilter(query: AggregateQuery): Filter<AggregateDoc> {
  return seriesRangeFilter(plainString(query.endpointId, 'endpointId'), query);
}

/** The records of several series in one range. */
export function manySeriesRangeFilter(
  endpointIds: readonly string[],
  range: AggregateRange,
): Filter<AggregateDoc> {
  return seriesRangeFilter({ $in: endpointIds.map((id) => plainString(id, 'endpointId')) }, range);
}

function seriesRangeFilter(
  endpointId: Filter<AggregateDoc>['endpointId'],
  range: AggregateRange,
): Filter<AggregateDoc> {
  const filter: Filter<AggregateDoc> = {
    endpointId,
    family: plainString(range.family, 'family'),
    resolution: resolution(range.resolution),
    start: { $gte: plainNumber(range.from, 'from'), $lt: plainNumber(range.to, 'to') },
  };
  if (range.referenceVersion !== undefined)
    filter.referenceVersion = plainNumber(range.referenceVersion, 'referenceVersion');
  return filter;
}

export function aggregateKeyOf(doc: AggregateDoc): AggregateKey {
  return {
    endpointId: doc.endpointId,
    family: doc.family,
    resolution: doc.resolution,
    start: readNumber(doc.start),
    referenceVersion: readNumber(doc.referenceVersion),
  };
}

// ---------------------------------------------------------------- counter ids as field names

export const counterField = (id: number): string => id.toString(36);

const COUNTER_FIELD = /^[0-9a-z]+$/;

export function counterIdOf(field: string): number {
  if (!COUNTER_FIELD.test(field))
    throw new RangeError(`invalid aggregate counter field ${JSON.stringify(field)}`);
  return Number.parseInt(field, 36);
}

type IdGroup = 's' | 'lo' | 'hi';

function idPaths(group: IdGroup, counters: Counters, ids: CounterNameIds): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name in counters)
    out[`${group}.${counterField(ids.idOf(name))}`] = plainNumber(counters[name], `counter ${name}`);
  return out;
}

// ---------------------------------------------------------------- writing

/** Every counter name the deltas use (to give them ids before building the updates). */
export function deltaCounterNames(deltas: readonly NamedDelta[]): string[] {
  const names = new Set<string>();
  for (const d of deltas)
    for (const group of [d.add, d.min, d.max]) for (const name in group) names.add(name);
  return [...names];
}

/** The update of one delta: sums `$inc`, extremes `$min`/`$max`, each counter under its id. */
function counterUpdate(
  sums: Counters,
  min: Counters,
  max: Counters,
  ids: CounterNameIds,
): UpdateFilter<AggregateDoc> {
  const update: Record<string, Record<string, unknown>> = {};
  const inc = idPaths('s', sums, ids);
  const lows = idPaths('lo', min, ids);
  const highs = idPaths('hi', max, ids);
  if (Object.keys(inc).length) update.$inc = inc;
  if (Object.keys(lows).length) update.$min = lows;
  if (Object.keys(highs).length) update.$max = highs;
  return update;
}

/**
 * One upsert per delta, on live counters; missing fields start at the delta, so creating and
 * adding are the same operation (an empty delta creates the interval). The names must have ids
 * already (MongoCounterNames.resolveNames).
 */
export function aggregateUpserts(
  deltas: readonly NamedDelta[],
  ids: CounterNameIds,
): AnyBulkWriteOperation<AggregateDoc>[] {
  return deltas.map(({ key, add, min, max }) => {
    const update = counterUpdate(add, min, max, ids);
    update.$inc = { ...update.$inc, w: 1 };
    update.$set = { live: true };
    return { updateOne: { filter: aggregateKeyFields(key), update, upsert: true } };
  });
}

// ---------------------------------------------------------------- reading

/** Counters by id field, as the codec's maps keyed by base-36 id. */
const byIdField: CounterNameIds = { idOf: counterIdOf, nameOf: counterField };

/** The sealed counters of a document, keyed by id field (empty when never sealed). */
function sealedFields(doc: AggregateDoc): CounterMaps {
  return doc.c ? decodeCounters(doc.c.buffer, byIdField) : { sums: {}, min: {}, max: {} };
}

type Combine = (stored: number, value: number) => number;
const add: Combine = (a, b) => a + b;

function readInto(
  out: Counters,
  fields: Counters | undefined,
  combine: Combine,
  nameOf: (field: string) => string,
): void {
  for (const field in fields) {
    const name = nameOf(field);
    const value = readNumber(fields[field]);
    const stored = out[name];
    out[name] = stored === undefined ? value : combine(stored, value);
  }
}

/**
 * Sealed and live counters together, under `nameOf` of each id field, and the legacy groups under
 * `legacyName` of each name.
 */
function mergedCounters(
  doc: AggregateDoc,
  nameOf: (field: string) => string,
  legacyName: (name: string) => string,
): CounterMaps {
  const sealed = sealedFields(doc);
  const out: CounterMaps = { sums: {}, min: {}, max: {} };
  readInto(out.sums, sealed.sums, add, nameOf);
  readInto(out.sums, doc.s, add, nameOf);
  readInto(out.sums, doc.sums, add, legacyName);
  readInto(out.min, sealed.min, Math.min, nameOf);
  readInto(out.min, doc.lo, Math.min, nameOf);
  readInto(out.min, doc.min, Math.min, legacyName);
  readInto(out.max, sealed.max, Math.max, nameOf);
  readInto(out.max, doc.hi, Math.max, nameOf);
  readInto(out.max, doc.max, Math.max, legacyName);
  return out;
}

/** Every counter id the documents use, sealed or live (to learn their names before reading). */
export function storedCounterIds(docs: readonly AggregateDoc[]): number[] {
  const ids = new Set<number>();
  for (const d of docs) {
    const sealed = sealedFields(d);
    for (const group of [sealed.sums, sealed.min, sealed.max, d.s, d.lo, d.hi])
      for (const field in group) ids.add(counterIdOf(field));
  }
  return [...ids];
}

/** A stored record with its counters by name; the ids must be known (MongoCounterNames.resolveIds). */
export function aggregateRecordOf(doc: AggregateDoc, ids: CounterNameIds): AggregateRecord {
  const counters = mergedCounters(
    doc,
    (field) => ids.nameOf(counterIdOf(field)),
    (name) => name,
  );
  return { key: aggregateKeyOf(doc), ...counters };
}

// ---------------------------------------------------------------- the earlier encoding

/** Documents that still hold named (legacy) counter groups. */
export const HAS_LEGACY_COUNTERS: Filter<AggregateDoc> = {
  $or: [{ sums: { $exists: true } }, { min: { $exists: true } }, { max: { $exists: true } }],
};

export function legacyCounterNames(docs: readonly AggregateDoc[]): string[] {
  const names = new Set<string>();
  for (const d of docs) for (const group of [d.sums, d.min, d.max]) for (const name in group) names.add(name);
  return [...names];
}

/** Documents with live counters whose interval ended before `before` (epoch ms), per resolution. */
export function closedLiveFilter(res: Resolution, before: number): Filter<AggregateDoc> {
  return { live: true, resolution: res, start: { $lt: plainNumber(before, 'before') - RESOLUTION_MS[res] } };
}

/**
 * Seals a document: its live and legacy counters folded into `c`, by one replacement (key, `c`,
 * `w`) that matches only while nothing was written since it was read: a compare-and-set on `w`,
 * which every writer of this version increments, on the legacy groups exactly as read, which
 * replicas of the previous version add to, and on `c`. Legacy names must have ids already.
 */
export function sealing(
  doc: AggregateDoc & { _id: unknown },
  ids: CounterNameIds,
): { filter: Filter<AggregateDoc>; replacement: AggregateDoc } {
  // Field order is part of embedded-document equality: the groups go back as they were read
  // (legacy names are never integer-like, so JavaScript kept their order).
  const unchanged = <T>(value: T | undefined) => value ?? { $exists: false };
  // All three checked: only sealing changes `c` and `w` never goes back, so a sealer holding an
  // old read cannot match after another sealed (legacy groups alone could come back equal).
  const filter = {
    _id: doc._id,
    c: unchanged(doc.c),
    w: unchanged(doc.w),
    sums: unchanged(doc.sums),
    min: unchanged(doc.min),
    max: unchanged(doc.max),
  };
  const merged = mergedCounters(
    doc,
    (field) => field,
    (name) => counterField(ids.idOf(name)),
  );
  const replacement: AggregateDoc = {
    ...aggregateKeyFields(aggregateKeyOf(doc)),
    c: new Binary(encodeCounters(merged, byIdField)),
  };
  if (doc.w !== undefined) replacement.w = readNumber(doc.w);
  return { filter: filter as Filter<AggregateDoc>, replacement };
}
