import { TesseraError } from '../contract/index.js';
import { configDifferenceNote, configDifferences } from './config-differences.js';
import { ForwardToServer, type CliIo } from './context.js';
import { bufferIo, forward, localContext, serverContext, ServerGone } from './hosts.js';
import { untilInterrupted } from './interrupt-forwarded.js';
import { runProgram, type ProgramHooks } from './program.js';

/** How commands reach each other and the server: `invoke` for `events tail`'s polls, `serverRunner` for `serve`. */
export const cliHooks: ProgramHooks = {
  async invoke(argv) {
    const io = bufferIo();
    const code = await runCommand(io, argv);
    // The command's whole message (an invalid config lists every setting on lines of its own), without the
    // `error: ` it already carries, which the caller's own report adds again.
    if (code !== 0) throw new TesseraError(code === 1 ? 'invalid_argument' : 'internal', io.stderr.trim().replace(/^error: /, '') || 'command failed');
    return io.stdout;
  },
  serverRunner: (ws) => async (command, io) => {
    // The command runs with the server's settings whatever the CLI was given: say so when they differ.
    const differences = command.config === undefined ? [] : configDifferences(command.config, ws.config);
    if (differences.length > 0) io.err(configDifferenceNote(differences));
    return runProgram(serverContext(io, command.cwd, ws), cliHooks, command.argv);
  },
};

/**
 * Runs a command here or, when a live server holds the data directory, inside that server, its output written
 * to `io` as the server sends it. A server that stops just as a command is forwarded to it never took the
 * command, so it runs again (here, once the server has let the directory go) for up to 15 s. `interruptible`:
 * the user's own command, whose Ctrl-C says what becomes of a forwarded one.
 */
export async function runCommand(io: CliIo, argv: string[], interruptible = false): Promise<number> {
  const deadline = Date.now() + 15_000;
  // First the server file alone; once a forward finds no server there, only a file seen while the lock is held.
  let trustServerFile = true;
  for (;;) {
    try {
      return await runProgram(localContext(io, process.cwd(), process.env, { trustServerFile }), cliHooks, argv);
    } catch (err) {
      if (!(err instanceof ForwardToServer)) throw err;
      try {
        const forwarded = forward(err.server, argv, process.cwd(), io, err.config);
        // Only the user's own command: a poll of `events tail` is forwarded too, and tail stops on Ctrl-C itself.
        return interruptible ? await untilInterrupted(err.server.url, forwarded, io.err, (code) => process.exit(code)) : await forwarded;
      } catch (failed) {
        // ServerGone comes before the server took the command, so before any of its output was written.
        if (!(failed instanceof ServerGone) || Date.now() > deadline) throw failed;
        if (trustServerFile) trustServerFile = false;
        else await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}
