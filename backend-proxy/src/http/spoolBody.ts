import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PayloadTooLargeError } from '../errors';

/**
 * A request body written to a private temporary file, so that it can be read more than once
 * (a reference needs two passes) without being held in memory. `remove` deletes it; a failed or
 * aborted upload removes it before the error propagates, so an interrupted upload leaves nothing.
 */
export interface SpooledBody {
  path: string;
  bytes: number;
  /** The first bytes are gzip's magic number (1f 8b). */
  gzip: boolean;
  open(): Promise<Readable>;
  remove(): Promise<void>;
}

const GZIP_MAGIC = [0x1f, 0x8b];

export async function spoolBody(
  body: Readable,
  maxBytes: number,
  onBytes?: (bytes: number) => void,
): Promise<SpooledBody> {
  const dir = await mkdtemp(join(tmpdir(), 'driftwatch-upload-'));
  const path = join(dir, 'body');
  const remove = () => rm(dir, { recursive: true, force: true });
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      bytes += chunk.length;
      if (bytes > maxBytes)
        return callback(new PayloadTooLargeError(`the upload exceeds the limit of ${maxBytes} bytes`));
      onBytes?.(bytes);
      callback(null, chunk);
    },
  });
  try {
    // A client that disconnects mid-body makes the request stream fail ("aborted"): pipeline rejects.
    await pipeline(body, counter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  } catch (err) {
    await remove();
    throw err;
  }
  const head = Buffer.alloc(2);
  const file = await open(path, 'r');
  try {
    await file.read(head, 0, 2, 0);
  } finally {
    await file.close();
  }
  return {
    path,
    bytes,
    gzip: bytes >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1],
    open: async () => createReadStream(path, { highWaterMark: 1 << 20 }),
    remove,
  };
}
