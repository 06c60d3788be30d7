import type { TesseraConfig } from '../contract/index.js';
import type { ServerInfo, Workspace } from '../server/index.js';

/** Where a command's output goes: the terminal, a buffer, or the frames a server streams back to the CLI. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /**
   * Writes to stdout and resolves once the reader can take more. Bulk output (an export) awaits it: inside a
   * server, `out` alone would let the export outrun a slow reader and pile up in the server's memory.
   */
  write(text: string): Promise<void>;
  /** True when stdout is an interactive terminal (progress bars, colours). */
  isTty: boolean;
  /** True when stderr is an interactive terminal (an import's progress line). */
  errIsTty: boolean;
  /**
   * Aborted once nobody waits for the command: the CLI of a command forwarded to a server went away (Ctrl-C). An
   * import stops at its next chunk; a lone CLI has none, as Ctrl-C ends its process.
   */
  signal?: AbortSignal;
}

export interface GlobalOptions {
  data?: string;
  config?: string;
}

export interface WorkspaceAccess {
  /** The command stores data, so an empty data directory becomes a new workspace. */
  create?: boolean;
}

/** What commands run against, provided by the host process (a lone CLI, or the server). */
export interface CliContext {
  io: CliIo;
  cwd: string;
  env: Record<string, string | undefined>;
  /** True inside the server: the workspace is the server's own and stays open. */
  inServer: boolean;
  config(options: GlobalOptions): TesseraConfig;
  /**
   * Runs `fn` on the data directory's workspace. Only commands that store something (`create`) may make a new one:
   * a read command pointed at a mistyped `--data` path must say so, not answer from an empty workspace it just made.
   */
  withWorkspace<T>(options: GlobalOptions, fn: (ws: Workspace) => Promise<T>, access?: WorkspaceAccess): Promise<T>;
}

/** Prints a value as the one JSON document of a --json command. */
export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n');
}

/** Thrown by a lone CLI that finds a live server on its data directory: the command goes there. */
export class ForwardToServer extends Error {
  /** `config`: the settings this CLI would have run with, so the server can say where its own differ. */
  constructor(
    readonly server: ServerInfo,
    readonly config?: TesseraConfig,
  ) {
    super('forward to server');
  }
}
