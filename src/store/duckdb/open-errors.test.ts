import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../contract/index.js';
import { dataDirOpenError } from './open-errors.js';

const errno = (code: string, message: string): NodeJS.ErrnoException => Object.assign(new Error(message), { code });

describe('errors opening a data directory', () => {
  it('says another process holds it', () => {
    const err = dataDirOpenError(new Error('IO Error: Could not set lock on file "/d/tessera.duckdb": Conflicting lock is held'), '/d');
    expect(err).toBeInstanceOf(TesseraError);
    expect(err).toMatchObject({ code: 'data_dir_busy' });
  });

  it('makes a directory that cannot be written the user error it is, naming the directory and the cause', () => {
    for (const cause of [
      new Error('IO Error: Cannot open file "/d/tessera.duckdb": Read-only file system'),
      errno('EROFS', "EROFS: read-only file system, mkdir '/d/tmp'"),
      errno('EACCES', "EACCES: permission denied, mkdir '/d'"),
    ]) {
      const err = dataDirOpenError(cause, '/d');
      expect(err).toMatchObject({ code: 'invalid_argument' });
      expect((err as Error).message).toContain('the data directory /d cannot be written');
      expect((err as Error).message).toContain(cause.message);
    }
  });

  it('leaves any other failure as it is', () => {
    const other = new Error('INTERNAL Error: something else');
    expect(dataDirOpenError(other, '/d')).toBe(other);
  });
});
