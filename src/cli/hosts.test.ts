import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serverFile } from '../server/index.js';
import { liveServer } from './hosts.js';

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
