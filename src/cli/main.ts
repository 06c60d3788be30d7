#!/usr/bin/env -S GLIBC_TUNABLES=glibc.malloc.hugetlb=1 DUCKDB_JE_MALLOC_CONF=dirty_decay_ms:10000,muzzy_decay_ms:10000 node --max-semi-space-size=64
// The launcher's environment (huge pages for glibc, a slower page decay for DuckDB's jemalloc) and node flag (a
// larger young generation) are explained in launcher-env.ts; both are read only at process start, hence the shebang.
import { TesseraError } from '../contract/index.js';
import { configDifferenceNote, configDifferences } from './config-differences.js';
import { ForwardToServer, type CliIo } from './context.js';
import { untilInterrupted } from './interrupt-forwarded.js';
import { bufferIo, forward, localContext, serverContext, ServerGone } from './hosts.js';
import { runProgram, type ProgramHooks } from './program.js';

const terminal: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  isTty: Boolean(process.stdout.isTTY),
};

const hooks: ProgramHooks = {
  async invoke(argv) {
    const io = bufferIo();
    const code = await run(io, argv);
    // The command's whole message (an invalid config lists every setting on lines of its own), without the
    // `error: ` it already carries, which the caller's own report adds again.
    if (code !== 0) throw new TesseraError(code === 1 ? 'invalid_argument' : 'internal', io.stderr.trim().replace(/^error: /, '') || 'command failed');
    return io.stdout;
  },
  serverRunner: (ws) => async (argv, cwd, clientConfig) => {
    const io = bufferIo();
    // The command runs with the server's settings whatever the CLI was given: say so when they differ.
    const differences = clientConfig === undefined ? [] : configDifferences(clientConfig, ws.config);
    if (differences.length > 0) io.err(configDifferenceNote(differences));
    const exitCode = await runProgram(serverContext(io, cwd, ws), hooks, argv);
    return { stdout: io.stdout, stderr: io.stderr, exitCode };
  },
};

/**
 * Runs a command here or, when a live server holds the data directory, inside that server. A server that
 * stops just as a command is forwarded to it never took the command, so it runs again (here, once the
 * server has let the directory go) for up to 15 s.
 */
async function run(io: CliIo, argv: string[], interruptible = false): Promise<number> {
  const deadline = Date.now() + 15_000;
  // First the server file alone; once a forward finds no server there, only a file seen while the lock is held.
  let trustServerFile = true;
  for (;;) {
    try {
      return await runProgram(localContext(io, process.cwd(), process.env, { trustServerFile }), hooks, argv);
    } catch (err) {
      if (!(err instanceof ForwardToServer)) throw err;
      try {
        const forwarded = forward(err.server, argv, process.cwd(), err.config);
        // Only the user's own command: a poll of `events tail` is forwarded too, and tail stops on Ctrl-C itself.
        const result = interruptible ? await untilInterrupted(err.server.url, forwarded, io.err, (code) => process.exit(code)) : await forwarded;
        io.out(result.stdout);
        io.err(result.stderr);
        return result.exitCode;
      } catch (failed) {
        if (!(failed instanceof ServerGone) || Date.now() > deadline) throw failed;
        if (trustServerFile) trustServerFile = false;
        else await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}

// `tessera events export | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

run(terminal, process.argv.slice(2), true).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
