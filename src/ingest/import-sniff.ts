import { closeSync, openSync, readSync } from 'node:fs';

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
