import type Database from 'better-sqlite3';
import { CounterNames, type CounterNameIds } from '../counterNames';

/**
 * The embedded store's counter-name dictionary, kept in `counter_names`; new names are written in
 * the caller's transaction. After a rolled-back transaction, `invalidate` makes the next use reload
 * the dictionary, so no id that was never committed is handed out again. A name it does not know
 * is looked up alone (two indexed reads), and the whole dictionary reloaded only when another
 * process on the same file added names meanwhile; an unknown id reloads it; should two processes
 * still race for one id, the primary key fails the later insert and its transaction rolls back.
 */
export function sqliteCounterNames(db: Database.Database): {
  names: CounterNameIds;
  invalidate: () => void;
} {
  const select = db.prepare('SELECT id, name FROM counter_names ORDER BY id');
  const insert = db.prepare('INSERT INTO counter_names (id, name) VALUES (?, ?)');
  const selectName = db.prepare('SELECT id FROM counter_names WHERE name = ?');
  const selectMaxId = db.prepare('SELECT MAX(id) AS id FROM counter_names');
  const rows = () => select.all() as { id: number; name: string }[];
  /** Whether another process added names this one has not loaded (a wide model brings thousands of
   * new names at once: reloading the whole dictionary for each made its first batches quadratic). */
  const addedElsewhere = (d: CounterNames, name: string): boolean => {
    if (selectName.get(name) !== undefined) return true;
    const { id } = selectMaxId.get() as { id: number | null };
    return id !== null && id >= d.size;
  };
  const dictionary = new CounterNames(rows(), (id, name) => insert.run(id, name));
  let stale = false;
  const fresh = (): CounterNames => {
    if (stale) {
      dictionary.load(rows());
      stale = false;
    }
    return dictionary;
  };
  return {
    names: {
      idOf: (name) => {
        const d = fresh();
        if (!d.knows(name) && addedElsewhere(d, name)) d.load(rows());
        return d.idOf(name);
      },
      nameOf: (id) => {
        try {
          return fresh().nameOf(id);
        } catch (error) {
          // Only an id not loaded yet (another process added it) is worth a reload; a database error is not.
          if (!(error instanceof RangeError)) throw error;
          dictionary.load(rows());
          return dictionary.nameOf(id);
        }
      },
    },
    invalidate: () => {
      stale = true;
    },
  };
}
