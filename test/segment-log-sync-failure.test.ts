// A disk can refuse a commit at its fdatasync (EIO on a failing disk, ENOSPC or EDQUOT on filesystems that allocate
// late) or when the next segment is created (a read-only remount): as a refused write, that is the server's storage
// failing, which the tracking API answers 503 storage_unavailable (SDKs send again), not a 500 "internal error".

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TesseraError } from '../src/contract/index.js';
import { SegmentLoader } from '../src/ingest/segment-loader.js';
import { SegmentLog } from '../src/ingest/segment-log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-sync-failure-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the event log when the disk refuses a commit', () => {
  it('refuses a commit whose fdatasync fails as storage_unavailable, naming the reason and no path', async () => {
    let failSync = true;
    const log = new SegmentLog({
      dir, segmentBytes: 8 << 20, maxSegmentAgeMs: 60_000, onSegmentClosed: () => undefined,
      sync: async (handle) => {
        if (failSync) throw Object.assign(new Error(`EIO: i/o error, fdatasync`), { code: 'EIO' });
        await handle.datasync();
      },
    });
    const error = await log.append('{"m":1}\n').then(() => undefined, (err: unknown) => err);
    expect(error).toBeInstanceOf(TesseraError);
    expect((error as TesseraError).code).toBe('storage_unavailable');
    expect((error as TesseraError).message).toMatch(/input\/output error/);
    expect((error as TesseraError).message).not.toContain(dir);
    failSync = false;
    await log.append('{"m":2}\n');
    await log.close();
  });

  it('refuses a commit whose segment cannot be created as storage_unavailable', async () => {
    const log = new SegmentLog({ dir: join(dir, 'log'), segmentBytes: 8 << 20, maxSegmentAgeMs: 60_000, onSegmentClosed: () => undefined });
    rmSync(join(dir, 'log'), { recursive: true });
    const error = await log.append('{"m":1}\n').then(() => undefined, (err: unknown) => err);
    expect((error as TesseraError).code).toBe('storage_unavailable');
    expect((error as TesseraError).message).not.toContain(dir);
  });

  it("reports no backlog, rather than throwing from the sampling timer, once the log's directory is gone", () => {
    const gone = join(dir, 'removed-log');
    const loader = new SegmentLoader(undefined as never, gone, undefined as never, undefined as never);
    expect(loader.backlogBytes()).toBe(0);
  });
});
