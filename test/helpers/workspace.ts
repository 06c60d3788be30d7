// Opens a Tessera workspace in its own temporary data directory, with keys, for integration tests:
// in-process (`createApp` + `app.inject`) or over a real socket (`startServer` on port 0).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { TesseraConfig } from '../../src/contract/index.js';
import { createApiKey } from '../../src/privacy/index.js';
import { createApp, openWorkspace, startServer, type WarmRead, type Workspace } from '../../src/server/index.js';

/** A fresh, empty directory under the OS temp dir; the caller removes it (see `removeDir`). */
export function makeTempDir(prefix = 'tessera-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Removes a temp directory and everything in it; tolerates one already gone. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * The config of a test workspace: silent, and loading log segments every 50 ms so events show up fast;
 * `sections` sets other top-level sections (`server`, …).
 */
export function testConfig(dataDir: string, ingest: Record<string, unknown> = {}, sections: Record<string, unknown> = {}): TesseraConfig {
  return TesseraConfig.parse({ dataDir, logLevel: 'silent', ...sections, ingest: { loadIntervalMs: 50, ...ingest } });
}

/** Opens (migrating, recovering) the workspace of a data directory. */
export function openTestWorkspace(dataDir: string, ingest: Record<string, unknown> = {}, sections: Record<string, unknown> = {}): Promise<Workspace> {
  return openWorkspace(testConfig(dataDir, ingest, sections), pino({ level: 'silent' }));
}

export interface TestKeys {
  writeKey: string;
  readKey: string;
}

/** Creates one write key and one read token, and makes the running verifier see them at once. */
export async function createTestKeys(ws: Workspace, name = 'test'): Promise<TestKeys> {
  const write = await createApiKey(ws.store, `${name}-write`, 'write');
  const read = await createApiKey(ws.store, `${name}-read`, 'read');
  await ws.keys.reload();
  return { writeKey: write.key, readKey: read.key };
}

export interface TestApp extends TestKeys {
  app: FastifyInstance;
  workspace: Workspace;
  dataDir: string;
  /** Closes the app and the workspace, keeping the data directory (for restart tests). */
  close(): Promise<void>;
}

/**
 * The HTTP app in-process, driven with `app.inject`. With `dataDir` and `keys` it reopens an
 * existing workspace (a restart) and reuses its keys instead of creating new ones.
 */
export async function createTestApp(options: { dataDir?: string; keys?: TestKeys; ingest?: Record<string, unknown>; sections?: Record<string, unknown> } = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? (await makeTempDir());
  const workspace = await openTestWorkspace(dataDir, options.ingest, options.sections);
  const keys = options.keys ?? (await createTestKeys(workspace));
  const app = await createApp({
    store: workspace.store,
    ingestor: workspace.ingestor,
    keys: workspace.keys,
    config: workspace.config,
    logger: workspace.logger,
    localToken: 'local-test-token',
  });
  await app.ready();
  let closed = false;
  return {
    ...keys,
    app,
    workspace,
    dataDir,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await workspace.close();
    },
  };
}

export interface TestServer extends TestKeys {
  url: string;
  workspace: Workspace;
  dataDir: string;
  /** The server's profile read at start (RunningServer.warmed). */
  warmed: Promise<WarmRead | undefined>;
  /** Stops listening and closes the workspace (flushing acknowledged writes), keeping the data. */
  stop(): Promise<void>;
  /** `stop`, then removes the data directory. */
  cleanup(): Promise<void>;
}

/** A real server on 127.0.0.1 and a free port, with a write key and a read token. */
export async function startTestServer(options: { dataDir?: string; ingest?: Record<string, unknown> } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await makeTempDir());
  const workspace = await openTestWorkspace(dataDir, options.ingest);
  const keys = await createTestKeys(workspace);
  const server = await startServer(workspace, { host: '127.0.0.1', port: 0 });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop();
    await workspace.close();
  };
  return {
    ...keys,
    url: server.url,
    workspace,
    dataDir,
    warmed: server.warmed,
    stop,
    async cleanup() {
      await stop();
      await removeDir(dataDir);
    },
  };
}

/** The value of an HTTP Basic header carrying a write key as the user name and an empty password. */
export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

/** Sends messages the way HTTP does (no rejection expected), makes them queryable, and lets identity catch up. */
export async function sendAndResolve(ws: Workspace, messages: readonly object[]): Promise<void> {
  const result = await ws.ingestor.accept([...messages], { source: 'web', location: 'test' });
  if (result.rejections.length > 0) throw new Error(`rejected: ${JSON.stringify(result.rejections)}`);
  await ws.ingestor.flush();
  await ws.identity.refresh();
}

/** Workspaces a test file opens in temporary directories, closed and removed together (call closeAll in afterEach). */
export function temporaryWorkspaces(): {
  opened: { ws: Workspace; dir: string }[];
  open(prefix: string, sections?: Record<string, unknown>): Promise<Workspace>;
  closeAll(): Promise<void>;
} {
  const opened: { ws: Workspace; dir: string }[] = [];
  return {
    opened,
    async open(prefix, sections = {}) {
      const dir = await makeTempDir(prefix);
      const ws = await openWorkspace(TesseraConfig.parse({ dataDir: dir, logLevel: 'silent', ...sections }), pino({ level: 'silent' }));
      opened.push({ ws, dir });
      return ws;
    },
    async closeAll() {
      for (const { ws, dir } of opened.splice(0)) {
        await ws.close();
        if (dir) await removeDir(dir);
      }
    },
  };
}
