import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtifactMeta, ArtifactStore, ExperimentRef } from '../types';
import type { SqliteContext } from './context';

interface ArtifactRow {
  project: string;
  name: string;
  run: number;
  artifact: string;
  content_type: string;
  size: number;
  sha256: string;
  created_at: number;
  file: string;
}

const artifactFromRow = (r: ArtifactRow): ArtifactMeta => ({
  project: r.project,
  name: r.name,
  run: r.run,
  artifact: r.artifact,
  contentType: r.content_type,
  size: r.size,
  sha256: r.sha256,
  createdAt: new Date(r.created_at),
});

/** Artifact bytes are files in the artifact folder, their metadata rows in `artifacts`. */
export function sqliteArtifacts(ctx: SqliteContext): ArtifactStore {
  const { db } = ctx;
  const deleteExperiment = db.transaction((ref: ExperimentRef): { existed: boolean; files: string[] } => {
    const files = (
      db
        .prepare('SELECT file FROM artifacts WHERE project = ? AND name = ?')
        .all(ref.project, ref.name) as Array<{ file: string }>
    ).map((r) => r.file);
    for (const table of ['events', 'runs', 'artifacts', 'tracking_batches']) {
      db.prepare(`DELETE FROM ${table} WHERE project = ? AND name = ?`).run(ref.project, ref.name);
    }
    const { changes } = db
      .prepare('DELETE FROM experiments WHERE project = ? AND name = ?')
      .run(ref.project, ref.name);
    return { existed: changes > 0, files };
  });

  return {
    async putArtifact(meta, body: Readable) {
      const file = randomUUID();
      const temporary = join(ctx.artifactDir, `${file}.part`);
      const hash = createHash('sha256');
      let size = 0;
      body.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
      });
      try {
        await pipeline(body, createWriteStream(temporary));
        await rename(temporary, join(ctx.artifactDir, file));
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      const stored: ArtifactMeta = { ...meta, size, sha256: hash.digest('hex') };
      const previous = db
        .prepare('SELECT file FROM artifacts WHERE project = ? AND name = ? AND run = ? AND artifact = ?')
        .get(meta.project, meta.name, meta.run, meta.artifact) as { file: string } | undefined;
      db.prepare(
        `INSERT OR REPLACE INTO artifacts (project, name, run, artifact, content_type, size, sha256, created_at, file)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        meta.project,
        meta.name,
        meta.run,
        meta.artifact,
        meta.contentType,
        size,
        stored.sha256,
        meta.createdAt.getTime(),
        file,
      );
      if (previous) await rm(join(ctx.artifactDir, previous.file), { force: true });
      return stored;
    },
    async getArtifactMeta(ref, run, artifact) {
      const row = db
        .prepare('SELECT * FROM artifacts WHERE project = ? AND name = ? AND run = ? AND artifact = ?')
        .get(ref.project, ref.name, run, artifact) as ArtifactRow | undefined;
      return row ? artifactFromRow(row) : null;
    },
    async openArtifact(meta) {
      const row = db
        .prepare('SELECT file FROM artifacts WHERE project = ? AND name = ? AND run = ? AND artifact = ?')
        .get(meta.project, meta.name, meta.run, meta.artifact) as { file: string } | undefined;
      if (!row) throw new Error(`artifact ${meta.artifact} is gone`);
      return createReadStream(join(ctx.artifactDir, row.file));
    },
    async deleteExperiment(ref) {
      const { existed, files } = deleteExperiment(ref);
      await Promise.all(files.map((f) => rm(join(ctx.artifactDir, f), { force: true })));
      return existed;
    },
  };
}
