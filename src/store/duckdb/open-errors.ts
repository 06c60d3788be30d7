import { TesseraError } from '../../contract/index.js';

/** Node's codes for a directory this process may not write: permissions, or a read-only mount. */
const unwritableCodes = new Set(['EACCES', 'EPERM', 'EROFS']);

/** DuckDB's words for the same when it opens or creates the database file. */
const unwritableMessage = /read-only file system|permission denied|operation not permitted/i;

/**
 * What went wrong opening a data directory, as the user's error (exit 1) when it is theirs to fix: another
 * process holds it, or it cannot be written (Tessera writes its database, log and temporary files there, even to
 * read). Anything else is returned as it is, an internal error.
 */
export function dataDirOpenError(err: unknown, dataDir: string, what = 'the data directory'): unknown {
  if (!(err instanceof Error)) return err;
  if (/lock/i.test(err.message)) return new TesseraError('data_dir_busy', `the data directory ${dataDir} is in use by another process`);
  const code = (err as NodeJS.ErrnoException).code;
  if ((code !== undefined && unwritableCodes.has(code)) || unwritableMessage.test(err.message)) {
    return new TesseraError('invalid_argument', `${what} ${dataDir} cannot be written (${err.message.split('\n')[0]}): Tessera keeps its database and log there, so give a writable one with --data or TESSERA_DATA`);
  }
  return err;
}
