/**
 * The MongoDB store's dictionary of counter names (docs/mongodb.md, "Aggregate encoding"): each
 * counter name has a small integer id, shared by every replica through the `counterNames`
 * collection, and aggregate documents name their counters by id (aggregateDocs.ts).
 *
 * Ids are drawn with one atomic `$inc` on a `sequences` document, so no id is ever given to two
 * names, whatever replicas do at once. Two replicas adding the same name at once both draw ids;
 * the unique index on `name` keeps the first entry and the other replica reads it back (its drawn
 * id stays unused). Where that index is not enforced (the test stand-in) a name may end up with
 * two ids; readers map every id to its name and merge, so the values stay right either way.
 * Entries are never changed or removed, so what a replica has cached never goes stale; names and
 * ids it has not seen are read from the collection.
 */
import type { Collections, CounterNameDoc } from './collections';
import { isDuplicateKey, plainString, readNumber } from './codec';
import { chunked } from '../chunked';

/** The `sequences` document the ids are drawn from. */
const ID_SEQUENCE = { scope: 'counterName', key: '' } as const;
const LOOKUP_CHUNK = 1000;

export class MongoCounterNames {
  private readonly idByName = new Map<string, number>();
  private readonly nameById = new Map<number, string>();

  constructor(private readonly c: Pick<Collections, 'counterNames' | 'sequences'>) {}

  /** Gives every name an id, drawing new ids for names no replica has used yet. Not in a transaction:
   * an entry whose write later rolls back is merely unused. */
  async resolveNames(names: Iterable<string>): Promise<void> {
    const unknown = [...new Set(names)].filter((n) => !this.idByName.has(n));
    if (!unknown.length) return;
    await this.readNames(unknown.map((n) => plainString(n, 'counter name')));
    const missing = unknown.filter((n) => !this.idByName.has(n));
    if (!missing.length) return;
    const sequence = await this.c.sequences.findOneAndUpdate(
      ID_SEQUENCE,
      { $inc: { value: missing.length } },
      { upsert: true, returnDocument: 'after' },
    );
    if (!sequence) throw new Error('counter name ids were not allocated');
    // The sequence holds the number of ids drawn so far: this call drew the last `missing.length`.
    const first = readNumber(sequence.value) - missing.length;
    try {
      await this.c.counterNames.insertMany(
        missing.map((name, i) => ({ name, id: first + i })),
        { ordered: false },
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    // What is stored wins: a replica adding the same name meanwhile may have been first.
    await this.readNames(missing);
    const lost = missing.find((n) => !this.idByName.has(n));
    if (lost !== undefined) throw new Error(`counter name ${JSON.stringify(lost)} was not recorded`);
  }

  /** Makes the names of these ids known (ids written by other replicas). */
  async resolveIds(ids: Iterable<number>): Promise<void> {
    const unknown = [...new Set(ids)].filter((id) => !this.nameById.has(id));
    for (const part of chunked(unknown, LOOKUP_CHUNK))
      for (const doc of await this.c.counterNames.find({ id: { $in: part } }).toArray()) this.learn(doc);
  }

  /** The id of a name passed to `resolveNames` before. */
  idOf(name: string): number {
    const id = this.idByName.get(name);
    if (id === undefined) throw new RangeError(`counter name ${JSON.stringify(name)} has no id yet`);
    return id;
  }

  /** The name of an id passed to `resolveIds` before (or learnt with its name). */
  nameOf(id: number): string {
    const name = this.nameById.get(id);
    if (name === undefined) throw new RangeError(`unknown counter name id ${id}`);
    return name;
  }

  private async readNames(names: string[]): Promise<void> {
    for (const part of chunked(names, LOOKUP_CHUNK)) {
      const docs = await this.c.counterNames
        .find({ name: { $in: part } })
        .sort({ id: 1 })
        .toArray();
      for (const doc of docs) this.learn(doc);
    }
  }

  /** Of two ids of one name (stand-in only), the smallest is written, and both are read. */
  private learn(doc: CounterNameDoc): void {
    const id = readNumber(doc.id);
    this.nameById.set(id, doc.name);
    const known = this.idByName.get(doc.name);
    if (known === undefined || id < known) this.idByName.set(doc.name, id);
  }
}
