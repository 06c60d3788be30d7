// The event log on a full disk: a write takes what fits and says how much (a short write), the next one fails
// with ENOSPC. An append may resolve (and its HTTP 200 go out) only when every byte of it is in the file, and a
// failed commit must leave no fragment for the next commit's first line to be glued to.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listSegments, SegmentLog } from '../src/ingest/segment-log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-full-disk-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A disk with `free` bytes left: a write takes what fits, then fails as Linux's do once nothing fits. */
function fullDisk(free: number) {
  const disk = {
    free,
    write: async (handle: FileHandle, buffers: readonly Buffer[]): Promise<number> => {
      const bytes = Buffer.concat(buffers as Buffer[]);
      if (disk.free <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const n = Math.min(disk.free, bytes.length);
      await handle.write(bytes.subarray(0, n));
      disk.free -= n;
      return n;
    },
  };
  return disk;
}

const fileText = () => listSegments(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('');
const line = (n: number) => `{"m":${n},"pad":"${'x'.repeat(40)}"}\n`;

describe('the event log on a full disk', () => {
  it('refuses a commit the disk took only part of, and leaves the file as it was before it', async () => {
    const disk = fullDisk(line(1).length + 10);
    const log = new SegmentLog({ dir, segmentBytes: 8 << 20, maxSegmentAgeMs: 60_000, onSegmentClosed: () => undefined, write: disk.write });
    await log.append(line(1));
    const failed = log.append(line(2) + line(3));
    await expect(failed).rejects.toThrow(new RegExp(`cannot append to the event log segment ${join(dir, 'seg-')}.*no space left on device`));
    expect(fileText()).toBe(line(1));
    // Space comes back (the loader removed loaded segments): the next commit starts on a line of its own.
    disk.free = 1 << 20;
    await log.append(line(4));
    await log.close();
    expect(fileText()).toBe(line(1) + line(4));
  });

  it('finishes a write that fell short when the rest fits, and answers it', async () => {
    const disk = fullDisk(5);
    const log = new SegmentLog({
      dir, segmentBytes: 8 << 20, maxSegmentAgeMs: 60_000, onSegmentClosed: () => undefined,
      write: async (handle, buffers) => {
        const n = await disk.write(handle, buffers);
        disk.free = 1 << 20;
        return n;
      },
    });
    await log.append(line(1) + line(2));
    await log.close();
    expect(fileText()).toBe(line(1) + line(2));
  });
});
