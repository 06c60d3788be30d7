// A full identity rebuild (`tessera identity rebuild`, a start without a usable graph file) writes the map's rows
// as CSV parts in DATA/tmp before the store reads them; killed (kill -9) before it removes them, it left them there
// for good, as every write names its parts anew. The next process to open the data directory removes them.

import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

describe('opening a data directory after an identity rebuild was killed', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir('tessera-map-parts-');
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('removes the map part files the killed rebuild left in its tmp directory, and only those', async () => {
    const first = await openTestWorkspace(dir);
    await first.close();
    const stem = join(dir, 'tmp', `customer-map-${randomUUID()}`);
    const parts = [`${stem}-0.csv`, `${stem}-1.csv`];
    for (const part of parts) writeFileSync(part, 'user,u1,c_1\n');
    const other = join(dir, 'tmp', 'customer-map-notes.csv');
    writeFileSync(other, 'a file of the user\n');

    const ws = await openTestWorkspace(dir);
    try {
      expect(parts.filter((p) => existsSync(p))).toEqual([]);
      expect(existsSync(other)).toBe(true);
      // The workspace works as before: a rebuild writes (and removes) parts of its own.
      await ws.ingestor.accept([{ type: 'identify', messageId: 'm1', userId: 'u1', traits: { email: 'a@example.com' } }], { source: 'test', location: 'test' });
      await ws.ingestor.flush();
      const rebuilt = await ws.identity.rebuild();
      expect(rebuilt.rebuilt).toBe(true);
      expect(existsSync(other)).toBe(true);
    } finally {
      await ws.close();
    }
  });

  it('removes the temporary graph file of a save that was killed before its rename', async () => {
    const first = await openTestWorkspace(dir);
    await first.ingestor.accept([{ type: 'identify', messageId: 'm1', userId: 'u1', traits: { email: 'a@example.com' } }], { source: 'test', location: 'test' });
    await first.ingestor.flush();
    await first.identity.rebuild();
    await first.close();
    const graph = join(dir, 'identity-graph.bin');
    expect(existsSync(graph)).toBe(true);
    writeFileSync(`${graph}.tmp`, 'half of a graph');

    const ws = await openTestWorkspace(dir);
    try {
      expect(existsSync(`${graph}.tmp`)).toBe(false);
      expect(existsSync(graph)).toBe(true);
    } finally {
      await ws.close();
    }
  });
});
