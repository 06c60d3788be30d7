// The event log on a full disk: a write takes what fits and says how much (a short write), the next one fails
// with ENOSPC. An append may resolve (and its HTTP 200 go out) only when every byte of it is in the file, and a
// failed commit must leave no fragment for the next commit's first line to be glued to.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TesseraError } from '../src/contract/index.js';
import { sql } from '../src/store/index.js';
import { listSegments, SegmentLog } from '../src/ingest/segment-log.js';
import { basicAuth, createTestApp, removeDir } from './helpers/workspace.js';

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
    // The caller's message says what happened and what to do, without the server's paths; the log's cause names the segment.
    const error = await failed.then(() => undefined, (err: unknown) => err as TesseraError);
    expect(error).toBeInstanceOf(TesseraError);
    expect(error?.code).toBe('storage_unavailable');
    expect(error?.message).toMatch(/event log cannot be written \(no space left on the device\): nothing of this request was stored/);
    expect(error?.message).not.toContain(dir);
    expect((error?.cause as Error).message).toMatch(new RegExp(`cannot append to the event log segment ${join(dir, 'seg-')}.*no space left on device`));
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

describe('the tracking API on a full disk', () => {
  it('answers 503 with Retry-After, stores nothing of the request, and takes the next one once there is room', async () => {
    const t = await createTestApp();
    try {
      const disk = fullDisk(0);
      // The log's own write, made to fail as a full disk does (no other way into a running server's file).
      const log = t.workspace.ingestor.log as unknown as { write: typeof disk.write };
      const realWrite = log.write;
      log.write = disk.write;
      const post = (messageId: string) =>
        t.app.inject({
          method: 'POST',
          url: '/v1/track',
          payload: JSON.stringify({ userId: 'u1', event: 'Signed Up', messageId }),
          headers: { 'content-type': 'application/json', authorization: basicAuth(t.writeKey) },
        });
      const refused = await post('full-1');
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('30');
      expect(refused.json()).toEqual({
        error: { code: 'storage_unavailable', message: expect.stringMatching(/no space left on the device.*send it again/), details: { retryAfterSeconds: 30 } },
      });
      expect(refused.body).not.toContain(t.dataDir);
      log.write = realWrite;
      expect((await post('full-2')).statusCode).toBe(200);
      await t.workspace.ingestor.flush();
      const ids = await t.workspace.store.query<{ message_id: string }>(sql`SELECT message_id FROM events ORDER BY seq`);
      expect(ids.map((r) => r.message_id)).toEqual(['full-2']);
    } finally {
      await t.close();
      await removeDir(t.dataDir);
    }
  });
});
