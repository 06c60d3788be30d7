import type { Command } from 'commander';
import { TesseraError } from '../../contract/index.js';
import { startServer, type CommandRunner, type RunningServer, type Workspace } from '../../server/index.js';
import { createLogger } from '../create-logger.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { liveServer } from '../hosts.js';
import { openWhenFree } from '../open-when-free.js';
import { parseCount } from '../parse-int.js';

export interface ServeHooks {
  /** Runs on the open workspace before the server listens (the demo loads its shop here). */
  prepare?: (ws: Workspace) => Promise<void>;
  /** Runs once the server listens, with its URL. */
  ready?: (ws: Workspace, url: string) => Promise<void>;
}

/** Runs the server until SIGINT/SIGTERM; resolves after a clean shutdown. */
export async function serveUntilSignal(
  ctx: CliContext,
  global: GlobalOptions & { port?: number },
  serverRunner: (ws: Workspace) => CommandRunner,
  hooks: ServeHooks = {},
): Promise<void> {
  const config = ctx.config(global);
  const logger = createLogger(config.logLevel);
  // A command run on its own (each poll of `events tail` is one) holds the directory for a moment: wait it out.
  // A live server holds it for good: say so at once.
  const ws = await openWhenFree(config, logger, () => {
    const server = liveServer(config.dataDir);
    if (server) throw new TesseraError('data_dir_busy', `the data directory ${config.dataDir} is held by the server at ${server.url}: stop it first`);
  });
  try {
    await hooks.prepare?.(ws);
  } catch (err) {
    await ws.close();
    throw err;
  }
  let server: RunningServer;
  try {
    server = await startServer(ws, { host: config.server.host, port: global.port ?? config.server.port, runCommand: serverRunner(ws) });
  } catch (err) {
    // Let the data directory go cleanly (the identity graph saved), as a stop does.
    await ws.close();
    throw err;
  }
  ctx.io.err(`Tessera is listening on ${server.url} (data: ${config.dataDir})\n`);
  await hooks.ready?.(ws, server.url);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  ctx.io.err('stopping: finishing acknowledged writes\n');
  await server.stop();
  await ws.close();
}

/** `tessera serve`. */
export function registerServe(program: Command, ctx: CliContext, serverRunner: (ws: Workspace) => CommandRunner): void {
  program
    .command('serve')
    .description('ingestion API + read API + dashboard + scheduler (alerts, segment refreshes), until Ctrl-C')
    .option('--port <port>', 'port to listen on (default 8080, or TESSERA_PORT)', parseCount)
    .action(async (opts: { port?: number }, cmd: Command) => {
      if (ctx.inServer) throw new TesseraError('invalid_argument', 'a server already holds this data directory');
      await serveUntilSignal(ctx, { ...cmd.optsWithGlobals<GlobalOptions>(), ...(opts.port !== undefined ? { port: opts.port } : {}) }, serverRunner);
    });
}
