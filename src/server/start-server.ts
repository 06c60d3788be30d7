import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { TesseraError } from '../contract/index.js';
import { startStoredKeyFilter, storedKeyFilterBuild, storedKeyFilterBytes } from '../ingest/index.js';
import { createApp, type CommandRunner } from './create-app.js';
import { scheduledJobs } from './scheduled-jobs.js';
import { startScheduler } from './scheduler.js';
import { warmProfileRead, type WarmRead } from './warm-read.js';
import { followLog, serverFile, type Workspace } from './workspace.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** The profile read once the identity graph is ready (warm-read.ts); undefined when the log is short or it failed. */
  warmed: Promise<WarmRead | undefined>;
  stop(): Promise<void>;
}

/** What server.json holds: how the CLI reaches the server that owns this data directory. */
export interface ServerInfo {
  pid: number;
  url: string;
  token: string;
}

// Why a listen failed, when it is the address the user gave (a busy port, one that needs privileges, a host not ours).
const listenReasons: Record<string, string> = {
  EADDRINUSE: 'the port is in use (another server?)',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the host is no address of this machine',
};

/** The user error for an address the server cannot listen on; anything else comes back unchanged. */
function listenError(err: unknown, host: string, port: number): unknown {
  const reason = listenReasons[(err as NodeJS.ErrnoException | undefined)?.code ?? ''];
  if (reason === undefined) return err;
  return new TesseraError('invalid_argument', `cannot listen on ${host}:${port}: ${reason}; give another --port (or TESSERA_PORT, server.port, server.host)`);
}

/** Starts listening and announces the server in the data directory; `stop` undoes both. */
export async function startServer(
  workspace: Workspace,
  options: { host: string; port: number; runCommand?: CommandRunner },
): Promise<RunningServer> {
  const token = randomBytes(24).toString('base64url');
  const app = await createApp({
    store: workspace.store,
    ingestor: workspace.ingestor,
    keys: workspace.keys,
    config: workspace.config,
    logger: workspace.logger,
    localToken: token,
    identity: workspace.identity,
    notifier: workspace.notifier,
    ...(options.runCommand ? { runCommand: options.runCommand } : {}),
  });
  const follower = followLog(workspace);
  // In the background: the server answers meanwhile, and its first writes ask the log as a command's do.
  const filterStarted = performance.now();
  startStoredKeyFilter(workspace.store)
    .then(async () => {
      const building = storedKeyFilterBuild(workspace.store);
      if (building === undefined) return;
      await building;
      workspace.logger.debug({ bytes: storedKeyFilterBytes(workspace.store), ms: Math.round(performance.now() - filterStarted) }, 'filter of stored message keys built');
    })
    .catch((err: unknown) => workspace.logger.warn({ err }, 'the filter of stored message keys was not built; writes ask the log'));
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    // Undo what started, so the caller can close the workspace; a port the user chose is theirs to change.
    await app.close();
    await follower.stop();
    throw listenError(err, options.host, options.port);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const info: ServerInfo = { pid: process.pid, url, token };
  const file = serverFile(workspace.config.dataDir);
  writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
  const scheduler = startScheduler(scheduledJobs(workspace), workspace.logger.child({ component: 'scheduler' }));
  let stopped = false;
  const warmed = follower.ready
    .then(() => (stopped ? undefined : warmProfileRead(workspace)))
    .then((read) => {
      if (read) workspace.logger.debug(read, 'a profile read at start, so the first request finds the store warm');
      return read;
    })
    .catch((err: unknown) => {
      if (!stopped) workspace.logger.warn({ err }, 'the profile read at start failed; the first profile read will be slower');
      return undefined;
    });
  return {
    app,
    url,
    warmed,
    async stop() {
      if (stopped) return;
      stopped = true;
      rmSync(file, { force: true });
      await scheduler.stop();
      await app.close();
      await warmed;
      await follower.stop();
    },
  };
}
