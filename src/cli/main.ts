#!/usr/bin/env -S GLIBC_TUNABLES=glibc.malloc.hugetlb=1 node
// The launcher asks glibc for transparent huge pages on large allocations: a full identity rebuild writes
// about 1 GB of fresh typed arrays, and on a small VM faulting that in 4 KB pages costs a third of the
// rebuild (docs/architecture.md). glibc reads the setting only at process start, hence the shebang; other
// C libraries ignore it.
import { TesseraError } from '../contract/index.js';
import { ForwardToServer, type CliIo } from './context.js';
import { bufferIo, forward, localContext, serverContext } from './hosts.js';
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
    if (code !== 0) throw new TesseraError(code === 1 ? 'invalid_argument' : 'internal', io.stderr.trim().split('\n')[0] ?? 'command failed');
    return io.stdout;
  },
  serverRunner: (ws) => async (argv, cwd) => {
    const io = bufferIo();
    const exitCode = await runProgram(serverContext(io, cwd, ws), hooks, argv);
    return { stdout: io.stdout, stderr: io.stderr, exitCode };
  },
};

/** Runs a command here or, when a live server holds the data directory, inside that server. */
async function run(io: CliIo, argv: string[]): Promise<number> {
  try {
    return await runProgram(localContext(io, process.cwd(), process.env), hooks, argv);
  } catch (err) {
    if (!(err instanceof ForwardToServer)) throw err;
    const result = await forward(err.server, argv, process.cwd());
    io.out(result.stdout);
    io.err(result.stderr);
    return result.exitCode;
  }
}

// `tessera events export | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

run(terminal, process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
