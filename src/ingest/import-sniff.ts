import { closeSync, createReadStream, openSync, readSync, type ReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * What a file is, told from its bytes rather than its name: a gzip file saved without `.gz`, or a
 * Parquet file passed to a CSV format, must be read as what it is, not as text.
 */

export type FileKind = 'gzip' | 'parquet' | 'text';

/** The kind of a file by its magic bytes (gzip: 1f 8b; Parquet: `PAR1`). */
export function sniffFileKind(path: string): FileKind {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, head.length, 0);
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (n === 4 && head.toString('latin1') === 'PAR1') return 'parquet';
    return 'text';
  } finally {
    closeSync(fd);
  }
}

/**
 * A file's bytes as a stream, inflated when it is gzip; `file` is the stream on disk (its `bytesRead` measures
 * progress against the file's size). An error of the file ends the inflated stream with it, so a reader sees it.
 */
export function openFileBytes(path: string, gzip: boolean, highWaterMark?: number): { bytes: Readable; file: ReadStream } {
  const file = createReadStream(path, highWaterMark === undefined ? {} : { highWaterMark });
  if (!gzip) return { bytes: file, file };
  const gunzip = createGunzip();
  file.on('error', (err) => gunzip.destroy(err));
  return { bytes: file.pipe(gunzip), file };
}
