/** Maps counter names to ids and back; `idOf` assigns the next id to a name it has not seen. */
export interface CounterNameIds {
  idOf(name: string): number;
  nameOf(id: number): string;
}

/**
 * A store's dictionary of counter names (aggregateCodec): every name gets the next id the first
 * time it is encoded, and `persist` records it in the store. Names come from the fixed aggregate
 * layout (a few dozen words and integers), so the dictionary stays small for any number of endpoints.
 */
export class CounterNames implements CounterNameIds {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];

  constructor(
    entries: Iterable<{ id: number; name: string }>,
    private readonly persist: (id: number, name: string) => void,
  ) {
    this.load(entries);
  }

  /** Replaces what is known with `entries` (e.g. after a rolled-back transaction). */
  load(entries: Iterable<{ id: number; name: string }>): void {
    this.ids.clear();
    this.names.length = 0;
    for (const { id, name } of entries) {
      this.ids.set(name, id);
      this.names[id] = name;
    }
  }

  /** How many names are known (ids run 0 .. size - 1). */
  get size(): number {
    return this.names.length;
  }

  knows(name: string): boolean {
    return this.ids.has(name);
  }

  idOf(name: string): number {
    const known = this.ids.get(name);
    if (known !== undefined) return known;
    const id = this.names.length;
    this.persist(id, name);
    this.ids.set(name, id);
    this.names[id] = name;
    return id;
  }

  nameOf(id: number): string {
    const name = this.names[id];
    if (name === undefined) throw new RangeError(`unknown counter name id ${id}`);
    return name;
  }
}
