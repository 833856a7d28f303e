/**
 * Artifact bytes in GridFS, metadata in `artifacts`, and experiment deletion (which spans both).
 * Bytes stream through in both directions; nothing holds a whole artifact in memory.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ObjectId, type GridFSBucketWriteStream } from 'mongodb';
import type { ArtifactMeta, ArtifactStore, ExperimentRef } from '../types';
import { ARTIFACT_BUCKET, type ArtifactDoc, type MongoContext } from './collections';
import { chunked } from '../chunked';
import { plainNumber, plainString, retryOnDuplicateKey, validDate } from './codec';

interface GridFileDoc {
  _id: ObjectId;
}
interface GridChunkDoc {
  files_id: ObjectId;
  n: number;
}

const artifactFromDoc = (d: ArtifactDoc): ArtifactMeta => ({
  project: d.project,
  name: d.name,
  run: d.run,
  artifact: d.artifact,
  contentType: d.contentType,
  size: d.size,
  sha256: d.sha256,
  createdAt: d.createdAt,
});

/** Writes one chunk and waits until the upload stream has handled it (persisted it if it filled a GridFS chunk). */
function writeChunk(upload: GridFSBucketWriteStream, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    upload.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError('artifact body must yield bytes');
}

const gridFiles = (ctx: MongoContext) => ctx.db.collection<GridFileDoc>(`${ARTIFACT_BUCKET}.files`);
const gridChunks = (ctx: MongoContext) => ctx.db.collection<GridChunkDoc>(`${ARTIFACT_BUCKET}.chunks`);

/** Removes a GridFS file: chunks first, the files document last, so a retry still finds it. */
async function deleteFiles(ctx: MongoContext, ids: ObjectId[]): Promise<void> {
  for (const batch of chunked(ids, 500)) {
    await gridChunks(ctx).deleteMany({ files_id: { $in: batch } });
    await gridFiles(ctx).deleteMany({ _id: { $in: batch } });
  }
}

async function discardUpload(
  ctx: MongoContext,
  upload: GridFSBucketWriteStream,
  fileId: ObjectId,
): Promise<void> {
  try {
    await upload.abort();
  } catch {
    // abort() refuses a stream that already ended (e.g. the files insert failed); the deletes below cover it.
  }
  upload.destroy();
  await deleteFiles(ctx, [fileId]).catch(() => undefined);
}

/**
 * Removes what an upload interrupted by a crash leaves (run when the store opens): chunks whose
 * files document never came, and files documents no artifact points to. Only uploads started
 * before `startedBefore` (their ObjectId's time) are touched, so uploads still running on another
 * replica are left alone. Returns how many GridFS files it removed.
 */
export async function removeUnfinishedUploads(ctx: MongoContext, startedBefore: Date): Promise<number> {
  const cutoff = { $lt: ObjectId.createFromTime(Math.floor(startedBefore.getTime() / 1000)) };
  // Every upload writes its chunk 0 first: one document per upload, found through the {files_id, n} index.
  const chunkFiles = await gridChunks(ctx)
    .find({ files_id: cutoff, n: 0 }, { projection: { files_id: 1 } })
    .map((c) => c.files_id)
    .toArray();
  const orphans: ObjectId[] = [];
  for (const batch of chunked(chunkFiles, 500)) {
    const known = await gridFiles(ctx)
      .find({ _id: { $in: batch } }, { projection: { _id: 1 } })
      .toArray();
    const ids = new Set(known.map((f) => f._id.toHexString()));
    orphans.push(...batch.filter((id) => !ids.has(id.toHexString())));
  }
  const files = await gridFiles(ctx)
    .find({ _id: cutoff }, { projection: { _id: 1 } })
    .map((f) => f._id)
    .toArray();
  for (const batch of chunked(files, 500)) {
    const used = await ctx.c.artifacts
      .find({ fileId: { $in: batch } }, { projection: { fileId: 1 } })
      .toArray();
    const ids = new Set(used.map((a) => a.fileId.toHexString()));
    orphans.push(...batch.filter((id) => !ids.has(id.toHexString())));
  }
  await deleteFiles(ctx, orphans);
  return orphans.length;
}

export function mongoArtifacts(ctx: MongoContext): ArtifactStore {
  return {
    /**
     * Writes are fed one at a time, each awaited, so when the body fails no chunk insert is still
     * in flight: abort() then deletes every chunk written and no files document ever appears.
     * Only after the bytes are complete is the metadata written (replacing an older version,
     * whose bytes are then removed).
     */
    async putArtifact(meta: Omit<ArtifactMeta, 'size' | 'sha256'>, body: Readable): Promise<ArtifactMeta> {
      const natural = {
        project: plainString(meta.project, 'project'),
        name: plainString(meta.name, 'experiment name'),
        run: plainNumber(meta.run, 'run'),
        artifact: plainString(meta.artifact, 'artifact'),
      };
      const contentType = plainString(meta.contentType, 'contentType');
      const createdAt = validDate(meta.createdAt, 'createdAt');
      const fileId = new ObjectId();
      const upload = ctx.bucket.openUploadStream(natural.artifact, {
        id: fileId,
        metadata: { ...natural, contentType },
      });
      // Failures surface through the write callbacks and finished(); without a listener an
      // 'error' event would be thrown at the process instead.
      upload.on('error', () => undefined);
      const hash = createHash('sha256');
      let size = 0;
      try {
        for await (const chunk of body) {
          const bytes = toBuffer(chunk);
          hash.update(bytes);
          size += bytes.length;
          await writeChunk(upload, bytes);
        }
        upload.end();
        await finished(upload);
      } catch (error) {
        await discardUpload(ctx, upload, fileId);
        throw error;
      }

      const doc: ArtifactDoc = {
        ...natural,
        contentType,
        size,
        sha256: hash.digest('hex'),
        createdAt,
        fileId,
      };
      try {
        const previous = await retryOnDuplicateKey(() =>
          ctx.c.artifacts.findOneAndReplace(natural, { ...doc }, { upsert: true, returnDocument: 'before' }),
        );
        if (previous && !previous.fileId.equals(fileId)) await deleteFiles(ctx, [previous.fileId]);
      } catch (error) {
        await deleteFiles(ctx, [fileId]).catch(() => undefined);
        throw error;
      }
      return artifactFromDoc(doc);
    },

    async getArtifactMeta(ref: ExperimentRef, run: number, artifact: string): Promise<ArtifactMeta | null> {
      const doc = await ctx.c.artifacts.findOne({
        project: plainString(ref.project, 'project'),
        name: plainString(ref.name, 'experiment name'),
        run: plainNumber(run, 'run'),
        artifact: plainString(artifact, 'artifact'),
      });
      return doc ? artifactFromDoc(doc) : null;
    },

    async openArtifact(meta: ArtifactMeta): Promise<Readable> {
      const doc = await ctx.c.artifacts.findOne(
        {
          project: plainString(meta.project, 'project'),
          name: plainString(meta.name, 'experiment name'),
          run: plainNumber(meta.run, 'run'),
          artifact: plainString(meta.artifact, 'artifact'),
        },
        { projection: { fileId: 1 } },
      );
      if (!doc) throw new Error(`artifact ${meta.artifact} is gone`);
      return ctx.bucket.openDownloadStream(doc.fileId);
    },

    /**
     * Not one transaction: an experiment's events and artifact chunks can exceed what a transaction
     * should carry. Instead children go first and the experiment document last, so an interrupted
     * delete leaves the experiment visible and a retry finishes the job. Files are found through
     * their GridFS metadata, which also catches bytes orphaned by an interrupted putArtifact.
     */
    async deleteExperiment(ref: ExperimentRef): Promise<boolean> {
      const filter = {
        project: plainString(ref.project, 'project'),
        name: plainString(ref.name, 'experiment name'),
      };
      const experiment = await ctx.c.experiments.findOne(filter, { projection: { _id: 1 } });
      if (!experiment) return false;
      const fileIds = await gridFiles(ctx)
        .find(
          { 'metadata.project': filter.project, 'metadata.name': filter.name },
          { projection: { _id: 1 } },
        )
        .map((f) => f._id)
        .toArray();
      await deleteFiles(ctx, fileIds);
      await ctx.c.artifacts.deleteMany(filter);
      await ctx.c.events.deleteMany(filter);
      await ctx.c.runs.deleteMany(filter);
      await ctx.c.trackingBatches.deleteMany(filter);
      await ctx.c.experiments.deleteOne({ _id: experiment._id });
      return true;
    },
  };
}
