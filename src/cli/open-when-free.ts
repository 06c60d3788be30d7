import type { Logger } from 'pino';
import { TesseraError, type TesseraConfig } from '../contract/index.js';
import { openWorkspace, type Workspace } from '../server/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Opens a workspace, waiting up to 15 s while another process holds DuckDB's file: a command run on its own
 * (each poll of `events tail` is one) holds it for a moment only. `beforeEachTry` may throw to stop waiting,
 * as when a live server turns out to hold the directory for good.
 */
export async function openWhenFree(config: TesseraConfig, logger: Logger, beforeEachTry: () => void = () => undefined): Promise<Workspace> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    beforeEachTry();
    try {
      return await openWorkspace(config, logger);
    } catch (err) {
      if (!(err instanceof TesseraError && err.code === 'data_dir_busy') || Date.now() > deadline) throw err;
      await sleep(200);
    }
  }
}
