import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { fileErrorReason, TesseraError } from '../contract/index.js';

/**
 * The user error for a file or directory the CLI cannot write (`--out`), naming the path; an error that
 * is not about the path (a bug) comes back unchanged, to be reported as internal.
 */
export function toWriteError(path: string, err: unknown): unknown {
  const reason = fileErrorReason(err);
  return reason === undefined ? err : new TesseraError('invalid_argument', `cannot write ${path}: ${reason}`);
}

/** Writes one chunk of a file's text; resolves when the file can take more. */
export type WriteText = (text: string) => Promise<void>;

/**
 * Opens FILE for writing before `fn` runs (so a bad --out fails before any work), lets `fn` write to it and
 * closes it. Every failure of the file itself, on open, on a write or on close, is a user error naming it.
 */
export async function writeToFile<T>(path: string, fn: (write: WriteText) => Promise<T>): Promise<T> {
  const stream = createWriteStream(path);
  // A stream's 'error' with no listener kills the process with a stack trace; keep the first one to report.
  let failure: unknown;
  stream.on('error', (err) => {
    failure ??= err;
  });
  try {
    await once(stream, 'ready');
  } catch (err) {
    throw toWriteError(path, err);
  }
  const write: WriteText = async (text) => {
    if (failure !== undefined) throw toWriteError(path, failure);
    try {
      if (!stream.write(text)) await once(stream, 'drain');
    } catch (err) {
      throw toWriteError(path, err);
    }
  };
  let result: T;
  try {
    result = await fn(write);
  } catch (err) {
    stream.destroy();
    throw err;
  }
  await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(toWriteError(path, err)) : resolve())));
  if (failure !== undefined) throw toWriteError(path, failure);
  return result;
}

/** Writes a whole text to FILE, with the user errors of writeToFile. */
export function writeTextFile(path: string, text: string): Promise<void> {
  return writeToFile(path, (write) => write(text));
}
