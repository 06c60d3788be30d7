/** Exit status of a process stopped by a signal, as a shell reports it (128 + the signal's number). */
const signalStatus = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Waits for a command forwarded to a server, and on Ctrl-C (or SIGTERM) stops waiting with a line that says what
 * the server does: the connection's close stops an import at its next chunk (what it wrote stays) and an export at
 * its next write, and any other command runs to its end, which a user who pressed Ctrl-C would not otherwise guess.
 */
export async function untilInterrupted<T>(serverUrl: string, work: Promise<T>, writeErr: (text: string) => void, exit: (code: number) => void): Promise<T> {
  const handlers = (Object.keys(signalStatus) as (keyof typeof signalStatus)[]).map((signal) => {
    const handler = () => {
      writeErr(
        `\ninterrupted: the command went to the server at ${serverUrl}. An import stops there at its next chunk (what it wrote stays, and importing the file again adds only the rest), an export at its next write; any other command runs to its end\n`,
      );
      exit(signalStatus[signal]);
    };
    process.once(signal, handler);
    return () => process.removeListener(signal, handler);
  });
  try {
    return await work;
  } finally {
    for (const remove of handlers) remove();
  }
}
