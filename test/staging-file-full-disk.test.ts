// An NDJSON import stages its lines in DATA/tmp, written in the background. On a full disk a write of the staging
// file failed as a promise nobody awaited yet: Node ended `tessera import` with a stack trace (and exit 1, a user
// error's) instead of the import's one-line error naming the file. /dev/full is a disk that is always full.

import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { StagingFile } from '../src/ingest/staging-file.js';

const fullDevice = '/dev/full';
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 5));
};

describe.skipIf(!existsSync(fullDevice))('a staging file on a full disk', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    unhandled.length = 0;
  });

  it('reports the failed write where its lines are awaited, naming the file and what to do', async () => {
    process.on('unhandledRejection', onUnhandled);
    const file = await StagingFile.create(fullDevice, 64);
    // Lines past the buffer start background writes while the import goes on validating.
    for (let i = 0; i < 20; i++) file.add(`{"id":"m${i}","pad":"${'x'.repeat(40)}"}\n`);
    await turns(10);
    expect(unhandled).toEqual([]);
    await expect(file.flushed()).rejects.toMatchObject({
      code: 'import_failed',
      message: expect.stringMatching(/^cannot write the import's staging file \/dev\/full: no space left on the device; free some space/),
    });
    await file.close();
  });
});
