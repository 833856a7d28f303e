import { Readable } from 'node:stream';
import type { ExperimentRef, NewTrackingEvent } from '../../src/store/types';
import { at, pieces, pseudoRandomBytes, readAll, sha256 } from './contractFixtures';
import type { ContractSuite } from './contractHarness';

export function artifactsContract({ store, contractTest }: ContractSuite): void {
  describe('artifacts', () => {
    const ref: ExperimentRef = { project: 'proj', name: 'exp' };
    const meta = (artifact: string) => ({
      ...ref,
      run: 1,
      artifact,
      contentType: 'application/octet-stream',
      createdAt: at(5000),
    });

    beforeEach(async () => {
      await store.ensureExperiment(ref, 'default', at(0));
      await store.startRun(ref, at(0));
    });

    contractTest('a 3 MB artifact round-trips byte for byte with size and sha256', async () => {
      const bytes = pseudoRandomBytes(3 * 1024 * 1024 + 17);
      const stored = await store.putArtifact(meta('model.bin'), Readable.from(pieces(bytes, 64 * 1024)));
      expect(stored).toEqual({ ...meta('model.bin'), size: bytes.length, sha256: sha256(bytes) });
      expect(await store.getArtifactMeta(ref, 1, 'model.bin')).toEqual(stored);
      const back = await readAll(await store.openArtifact(stored));
      expect(back.length).toBe(bytes.length);
      expect(back.equals(bytes)).toBe(true);
    });

    contractTest('an empty artifact and a replaced artifact', async () => {
      const empty = await store.putArtifact(meta('empty.txt'), Readable.from([]));
      expect(empty.size).toBe(0);
      expect(empty.sha256).toBe(sha256(Buffer.alloc(0)));
      expect((await readAll(await store.openArtifact(empty))).length).toBe(0);

      await store.putArtifact(meta('notes.txt'), Readable.from([Buffer.from('first version')]));
      const second = await store.putArtifact(
        meta('notes.txt'),
        Readable.from([Buffer.from('second, longer version')]),
      );
      expect(second.size).toBe(22);
      expect(await store.getArtifactMeta(ref, 1, 'notes.txt')).toEqual(second);
      expect((await readAll(await store.openArtifact(second))).toString()).toBe('second, longer version');
    });

    contractTest('a failed stream leaves no metadata', async () => {
      async function* failing(): AsyncGenerator<Buffer> {
        yield pseudoRandomBytes(300 * 1024, 1);
        yield pseudoRandomBytes(300 * 1024, 2);
        throw new Error('client went away');
      }
      await expect(store.putArtifact(meta('broken.bin'), Readable.from(failing()))).rejects.toThrow(
        'client went away',
      );
      expect(await store.getArtifactMeta(ref, 1, 'broken.bin')).toBeNull();
      expect(await store.getArtifactMeta(ref, 1, 'missing')).toBeNull();
    });

    contractTest('deleteExperiment removes the experiment, runs, events and artifacts', async () => {
      const other: ExperimentRef = { project: 'proj', name: 'keep' };
      await store.ensureExperiment(other, 'default', at(0));
      await store.startRun(other, at(0));
      const event = (r: ExperimentRef): NewTrackingEvent => ({
        ...r,
        run: 1,
        event: 'metric',
        key: 'acc',
        value: 1,
        step: 0,
        dt: at(1),
        node: 'n',
        userid: 'u',
        eventName: null,
      });
      await store.appendEvents([event(ref), event(other)]);
      await store.putArtifact(meta('a.bin'), Readable.from([Buffer.from('abc')]));
      const kept = await store.putArtifact(
        { ...meta('a.bin'), ...other },
        Readable.from([Buffer.from('xyz')]),
      );

      expect(await store.deleteExperiment(ref)).toBe(true);
      expect(await store.getExperiment(ref)).toBeNull();
      expect(await store.listRuns(ref)).toEqual([]);
      expect(await store.getRun(ref, 1)).toBeNull();
      expect((await store.queryEvents({ ...ref, limit: 10 })).events).toEqual([]);
      expect(await store.getArtifactMeta(ref, 1, 'a.bin')).toBeNull();
      expect(await store.deleteExperiment(ref)).toBe(false);

      // The other experiment is untouched.
      expect((await store.getExperiment(other))?.runCount).toBe(1);
      expect((await store.queryEvents({ ...other, limit: 10 })).events).toHaveLength(1);
      expect((await readAll(await store.openArtifact(kept))).toString()).toBe('xyz');

      // Re-created, it starts from scratch.
      const again = await store.ensureExperiment(ref, 'notrack', at(9000));
      expect(again).toEqual({
        ...ref,
        provider: 'notrack',
        createdAt: at(9000),
        lastActivity: at(9000),
        runCount: 0,
      });
      expect((await store.startRun(ref, at(9001))).run).toBe(1);
    });
  });
}
