/**
 * GridFS uploads interrupted by a crash (the MongoDB run): what a killed proxy leaves behind is
 * written with the driver's own GridFS upload stream (chunks of an upload that never finished; a
 * finished file whose artifact record was never written), then a store opens on the database and
 * removes them, leaving complete artifacts and uploads too young to be abandoned.
 */
import { Readable } from 'node:stream';
import { GridFSBucket, MongoClient, ObjectId } from 'mongodb';
import { databaseFromUrl, openMongoStore } from '../../src/store/mongodb';
import { freshDatabaseUrl, mongoTarget } from '../helpers/mongoTarget';

const target = mongoTarget();
const HOUR = 3_600_000;

(target ? describe : describe.skip)('unfinished GridFS uploads at start-up', () => {
  test('are removed when older than the limit; finished artifacts and young uploads stay', async () => {
    const url = freshDatabaseUrl(target!, 'uploads');
    const client = new MongoClient(target!.url, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    const db = client.db(databaseFromUrl(url));
    try {
      const first = await openMongoStore(url, { serverSelectionTimeoutMS: 5000 });
      const kept = await first.putArtifact(
        {
          project: 'p',
          name: 'x',
          run: 1,
          artifact: 'model.bin',
          contentType: 'application/octet-stream',
          createdAt: new Date(),
        },
        Readable.from([Buffer.alloc(300 * 1024, 7)]),
      );
      await first.close();

      const bucket = new GridFSBucket(db, { bucketName: 'artifactFiles' });
      const idFrom = (msAgo: number) => ObjectId.createFromTime(Math.floor((Date.now() - msAgo) / 1000));
      // A crash mid-upload: chunks written, the files document never.
      const cut = idFrom(7 * HOUR);
      const cutUpload = bucket.openUploadStream('cut.bin', { id: cut });
      await new Promise<void>((resolve, reject) =>
        cutUpload.write(Buffer.alloc(600 * 1024, 1), (e) => (e ? reject(e) : resolve())),
      );
      // A crash after the bytes, before the artifact record.
      const unrecorded = idFrom(8 * HOUR);
      await new Promise<void>((resolve, reject) =>
        bucket
          .openUploadStream('unrecorded.bin', { id: unrecorded })
          .end(Buffer.alloc(1000, 2), (e?: unknown) => (e ? reject(e) : resolve())),
      );
      // An upload running right now (another replica): young, left alone.
      const running = idFrom(60_000);
      const runningUpload = bucket.openUploadStream('running.bin', { id: running });
      await new Promise<void>((resolve, reject) =>
        runningUpload.write(Buffer.alloc(300 * 1024, 3), (e) => (e ? reject(e) : resolve())),
      );
      const chunksOf = (id: ObjectId) =>
        db.collection('artifactFiles.chunks').countDocuments({ files_id: id });
      expect(await chunksOf(cut)).toBe(2);
      expect(await db.collection('artifactFiles.files').countDocuments({ _id: unrecorded })).toBe(1);

      const second = await openMongoStore(url, { serverSelectionTimeoutMS: 5000 });
      try {
        expect(await chunksOf(cut)).toBe(0);
        expect(await db.collection('artifactFiles.files').countDocuments({ _id: unrecorded })).toBe(0);
        expect(await chunksOf(unrecorded)).toBe(0);
        expect(await chunksOf(running)).toBe(1);
        const stream = await second.openArtifact(kept);
        const bytes: Buffer[] = [];
        for await (const chunk of stream) bytes.push(chunk as Buffer);
        expect(Buffer.concat(bytes).equals(Buffer.alloc(300 * 1024, 7))).toBe(true);
      } finally {
        await second.close();
      }
    } finally {
      await db.dropDatabase();
      await client.close();
    }
  }, 60_000);
});
