/** Leases: one document per name, so "who runs the scheduled jobs" is decided by one atomic write. */
import type { LeaseStore } from '../types';
import type { MongoContext } from './collections';
import { isDuplicateKey, plainNumber, plainString, validDate } from './codec';

export function mongoLeases(ctx: MongoContext): LeaseStore {
  return {
    /**
     * One conditional upsert: it updates the document when the lease is ours or expired, inserts it
     * when there is none, and otherwise tries to insert a second document with the same name,
     * which the unique index refuses: that duplicate-key error means somebody else holds it.
     */
    async acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
      const leaseName = plainString(name, 'lease name');
      const who = plainString(holder, 'holder');
      const at = validDate(now, 'now');
      const expiresAt = new Date(at.getTime() + plainNumber(ttlMs, 'ttlMs'));
      try {
        const doc = await ctx.c.leases.findOneAndUpdate(
          { name: leaseName, $or: [{ holder: who }, { expiresAt: { $lte: at } }] },
          { $set: { holder: who, expiresAt } },
          { upsert: true, returnDocument: 'after' },
        );
        return doc !== null && doc.holder === who;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },

    /** Only the holder can release; anyone else's release is a no-op. */
    async releaseLease(name: string, holder: string): Promise<void> {
      await ctx.c.leases.deleteOne({
        name: plainString(name, 'lease name'),
        holder: plainString(holder, 'holder'),
      });
    },
  };
}
