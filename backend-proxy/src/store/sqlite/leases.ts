import type { LeaseStore } from '../types';
import type { SqliteContext } from './context';

export function sqliteLeases({ db }: SqliteContext): LeaseStore {
  // One statement: insert, or take over when expired or already ours. SQLite serialises writers,
  // so two processes on the same file cannot both win.
  const take = db.prepare(
    `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
     WHERE leases.expires_at <= ? OR leases.holder = excluded.holder`,
  );
  return {
    async acquireLease(name, holder, ttlMs, now) {
      return take.run(name, holder, now.getTime() + ttlMs, now.getTime()).changes > 0;
    },
    async releaseLease(name, holder) {
      db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
    },
  };
}
