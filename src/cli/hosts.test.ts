import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serverFile } from '../server/index.js';
import { ForwardToServer } from './context.js';
import { bufferIo, liveServer, localContext } from './hosts.js';

const dirs: string[] = [];
async function dataDirAnnouncing(pid: number | undefined): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-hosts-'));
  dirs.push(dir);
  await writeFile(serverFile(dir), JSON.stringify({ pid, url: 'http://127.0.0.1:9', token: 't' }));
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('liveServer', () => {
  it('takes a server.json naming this very process for a stale one (a killed container PID 1 restarted as PID 1)', async () => {
    expect(liveServer(await dataDirAnnouncing(process.pid))).toBeUndefined();
  });

  it('believes a server.json naming another live process', async () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      expect(liveServer(await dataDirAnnouncing(other.pid))).toMatchObject({ pid: other.pid });
    } finally {
      other.kill();
    }
  });
});

describe('localContext', () => {
  it('sends a command to the live server a server.json names before opening the store, when told to trust the file', async () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const dir = await dataDirAnnouncing(other.pid);
      // Not a database: opening it would fail, so a forward that reaches the caller opened nothing.
      await writeFile(join(dir, 'tessera.duckdb'), 'not a database');
      let ran = false;
      const withWorkspace = (trustServerFile: boolean) =>
        localContext(bufferIo(), dir, {}, { trustServerFile }).withWorkspace({ data: dir }, () => {
          ran = true;
          return Promise.resolve();
        });
      const forwarded = await withWorkspace(true).catch((err: unknown) => err);
      expect(forwarded).toBeInstanceOf(ForwardToServer);
      expect((forwarded as ForwardToServer).server).toMatchObject({ pid: other.pid });
      // Without trust the store is opened first (a server.json counts only while its lock is held).
      const opened = await withWorkspace(false).catch((err: unknown) => err);
      expect(opened).not.toBeInstanceOf(ForwardToServer);
      expect(opened).toBeInstanceOf(Error);
      expect(ran).toBe(false);
    } finally {
      other.kill();
    }
  });
});
