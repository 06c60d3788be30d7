// Durability of the 200 (product.md, "HTTP"): a real `tessera serve` process takes concurrent batches,
// is killed with SIGKILL mid-load, and restarted on the same data directory. Every messageId that got
// a 200 must be stored, and none twice.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startServe, type ServeProcess } from './helpers/cli.js';
import { countByMessageId, httpEventReader, waitForMessageIds } from './helpers/events.js';
import { makeTempDir, removeDir, basicAuth } from './helpers/workspace.js';

const senders = 8;
const batchSize = 50;
const killAfterMs = 1_000;
/** A sender that somehow outlives the server stops by itself after this long. */
const maxSendingMs = 10_000;

async function createKey(dataDir: string, kind: 'write' | 'read'): Promise<string> {
  const result = await runCli(['keys', 'create', '--name', `crash-${kind}`, '--kind', kind], { dataDir });
  expect(result.exitCode, result.stderr).toBe(0);
  return result.stdout.trim();
}

interface LoadResult {
  acknowledged: Set<string>;
  requests: number;
  failedRequests: number;
  /** Senders still sending when the server was killed. */
  sendingAtKill: number;
}

/** Runs `senders` loops of batch POSTs until the server dies; kills it after `killAfterMs`. */
async function loadThenKill(server: ServeProcess, writeKey: string): Promise<LoadResult> {
  const acknowledged = new Set<string>();
  let requests = 0;
  let failedRequests = 0;
  let running = 0;
  const started = Date.now();
  const send = async (sender: number) => {
    running++;
    try {
      for (let n = 0; Date.now() - started < maxSendingMs; n++) {
        const ids = Array.from({ length: batchSize }, (_, i) => `crash-${sender}-${n}-${i}`);
        const body = JSON.stringify({
          batch: ids.map((messageId, i) => ({ type: 'track', messageId, userId: `u-${sender}`, event: 'Load Tested', properties: { n, i } })),
        });
        requests++;
        try {
          const response = await fetch(`${server.url}/v1/batch`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json', authorization: basicAuth(writeKey) },
          });
          await response.arrayBuffer();
          if (response.status === 200) for (const id of ids) acknowledged.add(id);
          else failedRequests++;
        } catch {
          failedRequests++; // the server is gone: this batch was never acknowledged
          return;
        }
      }
    } finally {
      running--;
    }
  };
  const load = Promise.all(Array.from({ length: senders }, (_, i) => send(i)));
  await new Promise((r) => setTimeout(r, killAfterMs));
  const sendingAtKill = running;
  await server.crash();
  await load;
  return { acknowledged, requests, failedRequests, sendingAtKill };
}

describe('crash safety of tessera serve', () => {
  let dataDir: string;
  const servers: ServeProcess[] = [];

  beforeEach(async () => {
    dataDir = await makeTempDir('tessera-crash-');
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.crash();
    await removeDir(dataDir);
  });

  it('keeps every acknowledged messageId, once, after kill -9 mid-load and a restart', async () => {
    const writeKey = await createKey(dataDir, 'write');
    const readKey = await createKey(dataDir, 'read');

    const first = await startServe(dataDir);
    servers.push(first);
    const load = await loadThenKill(first, writeKey);
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');
    expect(load.sendingAtKill, 'the kill came mid-load').toBeGreaterThan(0);
    expect(load.acknowledged.size).toBeGreaterThan(0);
    console.log(
      `crash test: ${load.requests} batch requests, ${load.acknowledged.size} messages acknowledged, ${load.failedRequests} requests failed at the kill`,
    );

    const second = await startServe(dataDir);
    servers.push(second);
    const events = await waitForMessageIds(httpEventReader(second.url, readKey), load.acknowledged, 30_000);
    const counts = countByMessageId(events);
    const missing = [...load.acknowledged].filter((id) => !counts.has(id));
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    expect(missing).toEqual([]);
    expect(duplicated).toEqual([]);
    // Unacknowledged batches may or may not have made it, but nothing beyond what was sent.
    expect([...counts.keys()].every((id) => id.startsWith('crash-'))).toBe(true);

    // The CLI's export (going through the restarted server) agrees with the read API.
    const exported = await runCli(['events', 'export'], { dataDir });
    expect(exported.exitCode, exported.stderr).toBe(0);
    const exportedIds = exported.stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => (JSON.parse(line) as { messageId: string }).messageId);
    expect(new Set(exportedIds).size).toBe(exportedIds.length);
    expect(exportedIds.length).toBe(events.length);
    const exportedSet = new Set(exportedIds);
    expect([...load.acknowledged].filter((id) => !exportedSet.has(id))).toEqual([]);

    await second.stop();
    expect((await second.exited).exitCode).toBe(0);
  });
});
