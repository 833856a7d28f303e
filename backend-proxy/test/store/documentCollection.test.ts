import { z } from 'zod';
import { DocumentCollection } from '../../src/store/documentCollection';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/types';

interface Note {
  text: string;
  stars: number;
}

describe('DocumentCollection', () => {
  let store: Store;
  const now = new Date('2026-03-01T10:00:00Z');

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
  });
  afterEach(() => store.close());

  it('writes and reads one kind, typed, with compare-and-set versions', async () => {
    const notes = new DocumentCollection<Note>(store, 'note');
    expect(await notes.put({ id: 'a', project: 'p', body: { text: 'hi', stars: 1 } }, 0, now)).toBe(1);
    expect(await notes.put({ id: 'a', project: 'p', body: { text: 'late', stars: 0 } }, 0, now)).toBeNull();
    expect(await notes.put({ id: 'a', project: 'p', body: { text: 'again', stars: 2 } }, 1, now)).toBe(2);
    await notes.put({ id: 'b', project: 'q', body: { text: 'other', stars: 3 } }, 0, now);
    const a = await notes.get('a');
    expect(a?.body).toEqual({ text: 'again', stars: 2 });
    expect(a?.version).toBe(2);
    expect((await notes.list({ projects: ['q'] })).map((d) => d.body.text)).toEqual(['other']);
    expect((await notes.list()).map((d) => d.id)).toEqual(['a', 'b']);
    // Kinds do not mix.
    expect(await new DocumentCollection<Note>(store, 'other-kind').list()).toEqual([]);
    expect(await notes.delete('a')).toBe(true);
    expect(await notes.delete('a')).toBe(false);
    expect(await notes.get('a')).toBeNull();
  });

  it('with a schema, refuses to read a document that does not match, naming it', async () => {
    await store.putDocument({ kind: 'note', id: 'bad', project: 'p', body: { text: 3 } }, 0, now);
    const checked = new DocumentCollection<Note>(
      store,
      'note',
      z.object({ text: z.string(), stars: z.number() }),
    );
    await expect(checked.get('bad')).rejects.toThrow(/stored note document "bad" does not match its schema/);
    await expect(checked.list()).rejects.toThrow(/"bad"/);
  });
});
