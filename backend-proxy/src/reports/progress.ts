import { basename } from 'node:path';
import type { ProgressListener, ScanProgress } from './csvColumns';

/**
 * Progress of the CSV passes on stderr (stdout holds the report, which may be piped):
 *   - a bar redrawn in place (at most every 100 ms) when stderr is a terminal, CI is not set and
 *     the file has at least 1 MiB (smaller ones are read before a bar would be seen);
 *   - otherwise a plain line at every 10% for files of at least 50 MiB, so logs of long CI jobs
 *     show that something is happening without being flooded;
 *   - nothing for smaller files.
 */

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean;
}

export interface ProgressOptions {
  stream: ProgressStream;
  env: Readonly<Record<string, string | undefined>>;
  now?: () => number;
}

export const BAR_MIN_BYTES = 1 << 20;
export const LINES_MIN_BYTES = 50 << 20;
const REDRAW_MS = 100;
const LINE_STEP_PERCENT = 10;
const BAR_WIDTH = 24;

/** CI=true (and any other value but "", "0" and "false") means a CI job: no bar. */
export function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env.CI;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** One less than the terminal's width, so the cursor never wraps; 79 when the terminal reports none (0 under some pseudo-terminals). */
const width = (stream: ProgressStream): number =>
  stream.columns !== undefined && stream.columns > 20 ? stream.columns - 1 : 79;

const megabytes = (bytes: number): string => (bytes / (1 << 20)).toFixed(1);

export function progressReporter(options: ProgressOptions): ProgressListener {
  const { stream, env } = options;
  const now = options.now ?? Date.now;
  const bar = stream.isTTY === true && !isCi(env);
  let lastDraw = -Infinity;
  let lastStep = -1;
  let key = '';
  return (progress: ScanProgress) => {
    const current = `${progress.file}\0${progress.pass}`;
    if (current !== key) {
      key = current;
      lastDraw = -Infinity;
      lastStep = -1;
    }
    const fraction = progress.totalBytes > 0 ? Math.min(1, progress.bytesRead / progress.totalBytes) : 1;
    const label = `${progress.pass} ${basename(progress.file)}`;
    const sizes = `${megabytes(Math.min(progress.bytesRead, progress.totalBytes))} of ${megabytes(progress.totalBytes)} MB`;
    if (bar && progress.totalBytes >= BAR_MIN_BYTES) {
      const time = now();
      if (!progress.done && time - lastDraw < REDRAW_MS) return;
      lastDraw = time;
      const filled = Math.round(fraction * BAR_WIDTH);
      // Bar and numbers first: a narrow terminal cuts the file name, not the progress.
      const line = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${Math.floor(fraction * 100)}% (${sizes}) ${label}`;
      // \r returns to the line start; \x1b[K clears what a longer previous line left behind.
      stream.write(`\r${line.slice(0, width(stream))}\x1b[K${progress.done ? '\n' : ''}`);
      return;
    }
    if (bar || progress.totalBytes < LINES_MIN_BYTES) return;
    const step = progress.done ? 100 : Math.floor((fraction * 100) / LINE_STEP_PERCENT) * LINE_STEP_PERCENT;
    if (step <= lastStep) return;
    lastStep = step;
    stream.write(`driftwatch: ${label}: ${step}% (${sizes})\n`);
  };
}
