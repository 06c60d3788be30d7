import { TesseraError } from '../contract/index.js';

/**
 * Throws when `signal` says the import's caller is gone (the CLI of a command forwarded to a server, on Ctrl-C),
 * at a point where what was written so far is whole: `done` says what is in. Imports are idempotent, so importing
 * the file again adds only the rest, as after a killed lone CLI.
 */
export function stopIfAborted(signal: AbortSignal | undefined, file: string, done: () => string): void {
  if (signal?.aborted !== true) return;
  throw new TesseraError('import_failed', `${file}: stopped, as the command's caller went away (Ctrl-C): ${done()}; importing the file again adds only the rest`);
}
