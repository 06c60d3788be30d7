// Segment NDJSON as people have it: Segment's S3 destination and data lakes write gzip'd files, and a
// file saved by a Windows editor starts with a byte order mark.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TesseraError } from '../src/contract/index.js';
import { openImportWorkspace, type ImportWorkspace } from './helpers/imports.js';

const lines = [
  { type: 'track', event: 'Signed Up', userId: 'u1', timestamp: '2024-01-05T10:00:00Z', messageId: 'a1' },
  { type: 'track', event: 'Product Viewed', userId: 'u1', timestamp: '2024-01-05T10:01:00Z', messageId: 'a2' },
].map((m) => JSON.stringify(m));

describe('Segment archives', () => {
  let w: ImportWorkspace;
  beforeEach(async () => {
    w = await openImportWorkspace();
  });
  afterEach(async () => {
    await w.close();
  });

  it("reads a gzip'd NDJSON file by its bytes, whatever its name", async () => {
    const path = join(w.dir, 'segment-logs-2024-01-05.json');
    writeFileSync(path, gzipSync(lines.join('\n') + '\n'));
    expect(await w.importSegment(path)).toMatchObject({ rowsRead: 2, written: 2, quarantined: {} });
    expect((await w.events()).map((e) => e.message_id)).toEqual(['a1', 'a2']);
    expect(await w.quarantine()).toEqual([]);
  });

  it('says a cut-short gzip file is damaged, naming it, rather than quarantining its bytes', async () => {
    const path = join(w.dir, 'cut.ndjson.gz');
    const whole = gzipSync(lines.join('\n') + '\n');
    writeFileSync(path, whole.subarray(0, whole.length - 12));
    const failure = w.importSegment(path);
    await expect(failure).rejects.toBeInstanceOf(TesseraError);
    await expect(failure).rejects.toThrow(`${path}: the gzip data is damaged or cut short`);
    expect(await w.quarantine()).toEqual([]);
  });

  it('reads the first message of a file that starts with a byte order mark', async () => {
    const path = join(w.dir, 'bom.ndjson');
    writeFileSync(path, '\uFEFF' + lines.join('\r\n') + '\r\n');
    expect(await w.importSegment(path)).toMatchObject({ rowsRead: 2, written: 2, quarantined: {} });
    expect((await w.events()).map((e) => e.message_id)).toEqual(['a1', 'a2']);
  });
});
