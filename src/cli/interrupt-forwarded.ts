/** Exit status of a process stopped by a signal, as a shell reports it (128 + the signal's number). */
const signalStatus = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Waits for a command forwarded to a server, and on Ctrl-C (or SIGTERM) stops waiting with a line that says
 * the server goes on with it: the server has no way to stop a command halfway, so without that line a user
 * who interrupted an import would believe it stopped, as it does when the CLI runs it itself.
 */
export async function untilInterrupted<T>(serverUrl: string, work: Promise<T>, writeErr: (text: string) => void, exit: (code: number) => void): Promise<T> {
  const handlers = (Object.keys(signalStatus) as (keyof typeof signalStatus)[]).map((signal) => {
    const handler = () => {
      writeErr(`\ninterrupted: the command went to the server at ${serverUrl}, which runs it to its end even so (a server cannot stop a command halfway; only an export, whose reader is gone, stops)\n`);
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
