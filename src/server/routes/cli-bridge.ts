import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { CliCommand, TesseraError, type CliFrame } from '../../contract/index.js';

/** Where a forwarded command writes: frames sent to the CLI as the command produces them. */
export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
  /**
   * Writes to stdout and resolves once the CLI can take more: bulk output (an export) awaits it, so a CLI that
   * reads slowly holds the command back instead of the server holding its output. Rejects once the CLI is gone.
   */
  write(text: string): Promise<void>;
  /** Whether the CLI's stdout and stderr are terminals. */
  isTty: boolean;
  errIsTty: boolean;
  /** Aborted once the CLI is gone (Ctrl-C), so a long command (an import) stops instead of running for nobody. */
  signal: AbortSignal;
}

/** Runs one CLI command inside the server, for a CLI whose data directory the server holds; resolves with its exit code. */
export type CommandRunner = (command: CliCommand, output: CommandOutput) => Promise<number>;

/** The CLI's connection closed before its command ended: its reader quit (`| head`), or the user pressed Ctrl-C. */
function cliGone(): TesseraError {
  return new TesseraError('internal', 'the CLI that sent the command has gone');
}

/**
 * The answers under way, and whether the server is stopping. A stop waits for every connection to end, and an
 * answer held back by a CLI that reads nothing (a pager left open) would never end: a stopping server cuts those.
 */
interface BridgeAnswers {
  stopping: boolean;
  readonly open: Set<ServerResponse>;
}

/** Cuts the connection of an answer the CLI does not read while the server stops (the CLI says the server stopped answering). */
function cutIfStalled(raw: ServerResponse, answers: BridgeAnswers): boolean {
  if (!answers.stopping || !raw.writableNeedDrain) return false;
  raw.destroy();
  return true;
}

/**
 * Frames written to the response as they come. Output that nobody awaits (a progress line, a summary) is small
 * and goes at once; once the CLI is gone, output is dropped rather than kept for nobody.
 */
function streamedOutput(raw: ServerResponse, tty: CliCommand['tty'], answers: BridgeAnswers): CommandOutput & { end(exitCode: number): void } {
  const cli = new AbortController();
  const goneNow = () => cli.abort(cliGone());
  answers.open.add(raw);
  raw.on('close', () => {
    answers.open.delete(raw);
    if (!raw.writableFinished) goneNow();
  });
  // A write to a connection the CLI reset: the CLI is gone, and an unheard 'error' would end the process.
  raw.on('error', goneNow);
  const gone = () => cli.signal.aborted;
  const send = (frame: CliFrame): boolean => gone() || raw.write(JSON.stringify(frame) + '\n');
  return {
    out(text) {
      if (text !== '') send({ out: text });
    },
    err(text) {
      if (text !== '') send({ err: text });
    },
    async write(text) {
      if (gone()) throw cliGone();
      if (text === '' || send({ out: text })) return;
      if (cutIfStalled(raw, answers)) throw cliGone();
      await new Promise<void>((resolve, reject) => {
        const drained = () => {
          raw.off('close', closed);
          resolve();
        };
        const closed = () => {
          raw.off('drain', drained);
          reject(cliGone());
        };
        raw.once('drain', drained);
        raw.once('close', closed);
      });
    },
    isTty: tty?.out ?? false,
    errIsTty: tty?.err ?? false,
    signal: cli.signal,
    end(exitCode) {
      if (!gone()) raw.end(JSON.stringify({ exit: exitCode } satisfies CliFrame) + '\n');
      cutIfStalled(raw, answers);
    },
  };
}

/**
 * The bridge of the local CLI: a command runs on the server's workspace and its output streams back as NDJSON
 * frames (CliFrame), so a long command shows its output as it goes and a large one is never held whole.
 */
export function registerCliBridge(app: FastifyInstance, deps: { localToken: string; runCommand: CommandRunner }): void {
  const answers: BridgeAnswers = { stopping: false, open: new Set() };
  app.addHook('preClose', async () => {
    answers.stopping = true;
    for (const raw of answers.open) cutIfStalled(raw, answers);
  });
  app.post('/internal/v1/cli', async (request, reply) => {
    if (request.headers.authorization !== `Bearer ${deps.localToken}`) throw new TesseraError('unauthorized', 'bad local token');
    const parsed = CliCommand.safeParse(request.body);
    if (!parsed.success) throw new TesseraError('bad_request', 'argv must be a list of strings and cwd a path');
    // From here the answer is ours to write: its status goes out now, and the exit code comes in the last frame.
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    reply.raw.flushHeaders();
    const output = streamedOutput(reply.raw, parsed.data.tty, answers);
    let exitCode: number;
    try {
      exitCode = await deps.runCommand(parsed.data, output);
    } catch (err) {
      request.log.error({ err }, 'forwarded command failed');
      output.err('internal error: see the server\'s log\n');
      exitCode = 2;
    }
    output.end(exitCode);
  });
}
