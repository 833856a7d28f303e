/**
 * How an aggregate record is stored in MongoDB (docs/mongodb.md, "Aggregate encoding"):
 *
 *   { endpointId, family, resolution, start, referenceVersion,     the key, unchanged
 *     s: { <id>: sum, ... }, lo: { <id>: minimum, ... }, hi: { <id>: maximum, ... } }
 *
 * where <id> is the counter's id in the shared dictionary (counterNames.ts) in base 36 ("0".."z",
 * "10".."zz", ...): `f:3:h:12` (8 bytes of field name) is stored as e.g. "5k" (2 bytes). Writers
 * still send `$inc`/`$min`/`$max` per counter, so the server applies concurrent deltas from any
 * number of replicas to one document, without a read first and without lost updates.
 *
 * Documents of the earlier encoding name their counters in `sums`/`min`/`max` ("legacy" here).
 * They are read too, merged with what is stored under ids (sums add, extremes combine), so a
 * document reads the same before, during and after its migration (aggregateMigration.ts) and
 * while replicas of the previous version still write it.
 *
 * The key fields are built and read only here (aggregateKeyFilter, aggregateKeyOf).
 */
import type { AnyBulkWriteOperation, Filter, UpdateFilter } from 'mongodb';
import type { CounterNameIds } from '../aggregateCodec';
import type {
  AggregateDelta,
  AggregateKey,
  AggregateQuery,
  AggregateRecord,
  Counters,
  Resolution,
} from '../types';
import { RESOLUTIONS } from '../types';
import type { AggregateDoc, CounterFields } from './collections';
import { plainNumber, plainString, readNumber } from './codec';

export function resolution(value: unknown): Resolution {
  if (!RESOLUTIONS.includes(value as Resolution)) throw new RangeError(`unknown resolution ${String(value)}`);
  return value as Resolution;
}

// ---------------------------------------------------------------- key

/** The filter naming exactly one record (the unique index and the shard key's fields). */
export function aggregateKeyFilter(key: AggregateKey): Filter<AggregateDoc> {
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
  const filter: Filter<AggregateDoc> = {
    endpointId: plainString(query.endpointId, 'endpointId'),
    family: plainString(query.family, 'family'),
    resolution: resolution(query.resolution),
    start: { $gte: plainNumber(query.from, 'from'), $lt: plainNumber(query.to, 'to') },
  };
  if (query.referenceVersion !== undefined)
    filter.referenceVersion = plainNumber(query.referenceVersion, 'referenceVersion');
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
export function deltaCounterNames(deltas: readonly AggregateDelta[]): string[] {
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
 * One upsert per delta; missing fields start at the delta, so creating and adding are the same
 * operation. The names must have ids already (MongoCounterNames.resolveNames).
 */
export function aggregateUpserts(
  deltas: readonly AggregateDelta[],
  ids: CounterNameIds,
): AnyBulkWriteOperation<AggregateDoc>[] {
  return deltas.map(({ key, add, min, max }) => {
    const update = counterUpdate(add, min, max, ids);
    // An empty delta still creates the interval.
    if (!Object.keys(update).length) update.$setOnInsert = { s: {} };
    return { updateOne: { filter: aggregateKeyFilter(key), update, upsert: true } };
  });
}

// ---------------------------------------------------------------- reading

/** Every counter id the documents use (to learn their names before reading them). */
export function storedCounterIds(docs: readonly AggregateDoc[]): number[] {
  const ids = new Set<number>();
  for (const d of docs)
    for (const group of [d.s, d.lo, d.hi]) for (const field in group) ids.add(counterIdOf(field));
  return [...ids];
}

type Combine = (stored: number, value: number) => number;
const add: Combine = (a, b) => a + b;

function readInto(
  out: Counters,
  fields: CounterFields | undefined,
  combine: Combine,
  nameOf: (field: string) => string,
) {
  for (const field in fields) {
    const name = nameOf(field);
    const value = readNumber(fields[field]);
    const stored = out[name];
    out[name] = stored === undefined ? value : combine(stored, value);
  }
}

/** A stored record with its counters by name; the ids must be known (MongoCounterNames.resolveIds). */
export function aggregateRecordOf(doc: AggregateDoc, ids: CounterNameIds): AggregateRecord {
  const byId = (field: string) => ids.nameOf(counterIdOf(field));
  const byName = (name: string) => name;
  const record: AggregateRecord = { key: aggregateKeyOf(doc), sums: {}, min: {}, max: {} };
  readInto(record.sums, doc.sums, add, byName);
  readInto(record.sums, doc.s, add, byId);
  readInto(record.min, doc.min, Math.min, byName);
  readInto(record.min, doc.lo, Math.min, byId);
  readInto(record.max, doc.max, Math.max, byName);
  readInto(record.max, doc.hi, Math.max, byId);
  return record;
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

/**
 * Moves a legacy document's named groups under ids, in one update that matches only while the
 * named groups are exactly as read (a compare-and-set: a replica of the previous version adding to
 * them meanwhile makes it match nothing, and the document is read and tried again). Counters
 * already under ids are added to, so nothing written by either encoding is lost. The names must
 * have ids already.
 */
export function legacyConversion(
  doc: AggregateDoc & { _id: unknown },
  ids: CounterNameIds,
): { filter: Filter<AggregateDoc>; update: UpdateFilter<AggregateDoc> } {
  // Field order is part of embedded-document equality: the groups go back as they were read
  // (legacy names are never integer-like, so JavaScript kept their order).
  const unchanged = (group: Counters | undefined) => group ?? { $exists: false };
  const filter = {
    _id: doc._id,
    sums: unchanged(doc.sums),
    min: unchanged(doc.min),
    max: unchanged(doc.max),
  };
  const numbers = (group: Counters | undefined): Counters => {
    const out: Counters = {};
    for (const name in group) out[name] = readNumber(group[name]);
    return out;
  };
  const update = counterUpdate(numbers(doc.sums), numbers(doc.min), numbers(doc.max), ids);
  update.$unset = { sums: '', min: '', max: '' };
  return { filter: filter as Filter<AggregateDoc>, update };
}
