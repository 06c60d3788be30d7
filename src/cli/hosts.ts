import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { TesseraError, type CliCommand, type CliFrame, type TesseraConfig } from '../contract/index.js';
import { serverFile, workspaceExists, type ServerInfo, type Workspace } from '../server/index.js';
import { ForwardToServer, type CliContext, type CliIo, type GlobalOptions } from './context.js';
import { createLogger } from './create-logger.js';
import { loadConfig } from './load-config.js';
import { openWhenFree } from './open-when-free.js';
import { readFrames } from './read-frames.js';

/**
 * The server that a data directory's server.json announces, if its process is alive. Only worth asking while
 * the directory is held (see openWhenFree): a live pid alone may be another process that reused it.
 */
export function liveServer(dataDir: string): ServerInfo | undefined {
  const file = serverFile(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as ServerInfo;
    // Our own pid: the file is from an earlier life of this pid, as when a container's PID 1 was killed.
    if (info.pid === process.pid) return undefined;
    process.kill(info.pid, 0);
    return info;
  } catch {
    return undefined; // stale file of a dead server
  }
}

/** Opens a workspace, waiting briefly when another process holds the file but announces no server (yet). */
function openOrForward(config: TesseraConfig): Promise<Workspace> {
  return openWhenFree(config, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel), () => {
    const server = liveServer(config.dataDir);
    if (server) throw new ForwardToServer(server, config);
  });
}

/**
 * Whether a data directory holds no workspace. A path that is, or runs through, a file is left to opening,
 * whose message says so, which is nearer the user's mistake than "nothing stored there".
 */
function isEmptyPlace(dataDir: string): boolean {
  if (workspaceExists(dataDir)) return false;
  let existing = dataDir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  return statSync(existing).isDirectory();
}

function noWorkspace(dataDir: string): TesseraError {
  return new TesseraError(
    'not_found',
    `no Tessera workspace in ${dataDir}: nothing was ever stored there. Check --data (or TESSERA_DATA); ` +
      '`tessera import`, `tessera serve` or `tessera keys create` starts a new one',
    { dataDir },
  );
}

/**
 * Context of a CLI process on its own: it opens the data directory itself for each command. With
 * `trustServerFile`, a server.json naming a live process sends the command there before the store is opened:
 * opening it only to find it locked cost a forwarded command ~1 s here (DuckDB's native module loads, then an
 * instance fails on the lock). The file may be a killed server's whose pid is reused, so the caller retries
 * without it when that forward finds no server (ServerGone): then the file counts only while the lock is held.
 */
export function localContext(io: CliIo, cwd: string, env: Record<string, string | undefined>, options: { trustServerFile?: boolean } = {}): CliContext {
  return {
    io,
    cwd,
    env,
    inServer: false,
    config: (o: GlobalOptions) => loadConfig({ cwd, env, ...(o.config ? { configPath: o.config } : {}), ...(o.data ? { dataDir: o.data } : {}) }),
    async withWorkspace(o, fn, access) {
      const config = this.config(o);
      if (access?.create !== true && isEmptyPlace(config.dataDir)) throw noWorkspace(config.dataDir);
      const server = options.trustServerFile === true ? liveServer(config.dataDir) : undefined;
      if (server) throw new ForwardToServer(server, config);
      const ws = await openOrForward(config);
      try {
        return await fn(ws);
      } finally {
        await ws.close();
      }
    },
  };
}

/** Context of a command run inside the server, on the server's open workspace. */
export function serverContext(io: CliIo, cwd: string, ws: Workspace): CliContext {
  return {
    io,
    cwd,
    env: {},
    inServer: true,
    config: () => ws.config,
    withWorkspace: (_o, fn) => fn(ws),
  };
}

/** Captures a command's output in strings (`invoke`, and tests). */
export function bufferIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTty: false,
    errIsTty: false,
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
    write(text: string) {
      io.stdout += text;
      return Promise.resolve();
    },
  };
  return io;
}

/**
 * The server a command was forwarded to never took it: nothing listened any more, or it was closing (Fastify
 * answers 503 then). It is stopping, so the command can run again, on the data directory it is about to free.
 */
export class ServerGone extends Error {}

/** The command may have run: said when the server's answer breaks off, before or after some of its output. */
function stoppedAnswering(server: ServerInfo, why: string | undefined): TesseraError {
  return new TesseraError(
    'internal',
    `the server at ${server.url} stopped answering while it ran the command${why ? ` (${why})` : ''}: it may have run in part or whole; ` +
      'see the server\'s log, then run the command again (an import or rates import repeated adds nothing twice)',
  );
}

/**
 * Sends a command to the server that holds the data directory, with the settings this CLI would have used, and
 * writes its output to `io` as the server streams it; resolves with the command's exit code.
 */
export async function forward(server: ServerInfo, argv: string[], cwd: string, io: CliIo, config?: TesseraConfig): Promise<number> {
  const command: CliCommand = { argv, cwd, tty: { out: io.isTty, err: io.errIsTty }, ...(config ? { config } : {}) };
  let response: Response;
  try {
    response = await fetch(`${server.url}/internal/v1/cli`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: JSON.stringify(command),
    });
  } catch (err) {
    // Only a refused connection proves the command was not taken: a reset may come after it ran.
    const code = (err as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED') throw new ServerGone(`the server at ${server.url} has stopped`);
    // fetch says only "fetch failed"; the user needs to know the command may have run, in part or whole.
    throw stoppedAnswering(server, code);
  }
  if (response.status === 503) throw new ServerGone(`the server at ${server.url} is stopping`);
  // Another server took the address since this file was written (it has a token of its own): ours is gone.
  if (response.status === 401) throw new ServerGone(`the server at ${server.url} is not the one that holds this data directory`);
  if (!response.ok || !response.body) throw new TesseraError('internal', `the server at ${server.url} refused the command (HTTP ${response.status})`);
  const frames = readFrames(response.body);
  try {
    for (;;) {
      let next: IteratorResult<CliFrame>;
      try {
        next = await frames.next();
      } catch (err) {
        if (err instanceof TesseraError) throw err;
        // The answer was cut off: the server died after its headers, while it ran the command.
        throw stoppedAnswering(server, (err as Error).message);
      }
      if (next.done) throw stoppedAnswering(server, 'its answer ended before the command did');
      const frame = next.value;
      if ('exit' in frame) return frame.exit;
      // Awaited: a reader that takes stdout slowly slows the server's command down, not fills memory here.
      if ('out' in frame) await io.write(frame.out);
      else io.err(frame.err);
    }
  } finally {
    // Leaving early (a write that failed) closes the connection, which tells the server to stop writing. An
    // error of the answer itself was reported already: its cancel's is not news.
    await frames.return(undefined).catch(() => undefined);
  }
}
