import type Database from 'better-sqlite3';
import type { CounterNameIds } from '../aggregateCodec';
import { CounterNames } from '../counterNames';

/**
 * The embedded store's counter-name dictionary, kept in `counter_names`; new names are written in
 * the caller's transaction. After a rolled-back transaction, `invalidate` makes the next use reload
 * the dictionary, so no id that was never committed is handed out again. A name or id it does not
 * know reloads it first (another process on the same file may have added it); should two processes
 * still race for one id, the primary key fails the later insert and its transaction rolls back.
 */
export function sqliteCounterNames(db: Database.Database): {
  names: CounterNameIds;
  invalidate: () => void;
} {
  const select = db.prepare('SELECT id, name FROM counter_names ORDER BY id');
  const insert = db.prepare('INSERT INTO counter_names (id, name) VALUES (?, ?)');
  const rows = () => select.all() as { id: number; name: string }[];
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
        if (!d.knows(name)) d.load(rows());
        return d.idOf(name);
      },
      nameOf: (id) => {
        try {
          return fresh().nameOf(id);
        } catch {
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
