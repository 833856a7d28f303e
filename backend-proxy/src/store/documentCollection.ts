import type { z } from 'zod';
import type { DocumentStore, StoredDocument } from './types';

/** A stored document whose body is known to be a `T`. */
export interface TypedDocument<T> extends Omit<StoredDocument, 'body'> {
  body: T;
}

/**
 * One kind of configuration document, typed once here rather than cast at every read. The
 * service that owns a kind is the only writer of it and writes only `T`, so reading it back as
 * `T` is sound; with a `schema`, reads are checked too, and a document changed outside the proxy
 * fails loudly with its kind and id instead of travelling on mistyped.
 */
export class DocumentCollection<T> {
  constructor(
    private readonly store: DocumentStore,
    readonly kind: string,
    private readonly schema?: z.ZodType<T>,
  ) {}

  async get(id: string): Promise<TypedDocument<T> | null> {
    const doc = await this.store.getDocument(this.kind, id);
    return doc && this.typed(doc);
  }

  /** Sorted by id. */
  async list(filter: { projects?: string[] } = {}): Promise<TypedDocument<T>[]> {
    return (await this.store.listDocuments(this.kind, filter)).map((doc) => this.typed(doc));
  }

  /** Compare-and-set write (see DocumentStore.putDocument): the new version, or null if another writer won. */
  put(
    doc: { id: string; project: string; body: T },
    expectedVersion: number,
    now: Date,
  ): Promise<number | null> {
    return this.store.putDocument({ kind: this.kind, ...doc }, expectedVersion, now);
  }

  delete(id: string): Promise<boolean> {
    return this.store.deleteDocument(this.kind, id);
  }

  private typed(doc: StoredDocument): TypedDocument<T> {
    if (!this.schema) return doc as TypedDocument<T>;
    const parsed = this.schema.safeParse(doc.body);
    if (!parsed.success)
      throw new Error(
        `stored ${this.kind} document "${doc.id}" does not match its schema: ${parsed.error.message}`,
      );
    return { ...doc, body: parsed.data };
  }
}
