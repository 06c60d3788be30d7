import { rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { TesseraError, type TesseraConfig } from '../contract/index.js';
import { openWorkspace, serverFile, type Workspace } from '../server/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Opens a workspace, waiting up to 15 s while another process holds DuckDB's file: a command run on its own
 * (each poll of `events tail` is one) holds it for a moment only. `whenBusy` runs each time the file is found
 * held and may throw to stop waiting, as when a live server turns out to hold the directory for good. It runs
 * only then: a server.json is believed only while the file is held, since one left by a server that was
 * killed may name a live process that is no server (its pid reused, or PID 1 again in a restarted container).
 */
export async function openWhenFree(config: TesseraConfig, logger: Logger, whenBusy: () => void = () => undefined): Promise<Workspace> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const ws = await openWorkspace(config, logger);
      // We hold DuckDB's lock, so no server does: a server.json here is a killed server's, and would send
      // other commands to it while we hold the directory.
      rmSync(serverFile(config.dataDir), { force: true });
      return ws;
    } catch (err) {
      if (!(err instanceof TesseraError && err.code === 'data_dir_busy')) throw err;
      whenBusy();
      if (Date.now() > deadline) throw err;
      await sleep(200);
    }
  }
}
