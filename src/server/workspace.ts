import { join } from 'node:path';
import type { Logger } from 'pino';
import type { TesseraConfig } from '../contract/index.js';
import { Ingestor } from '../ingest/index.js';
import { ApiKeyVerifier } from '../privacy/index.js';
import { openDuckDbStore, type Store } from '../store/index.js';

/** Everything a command or the server works on: one data directory, opened once per process. */
export interface Workspace {
  config: TesseraConfig;
  store: Store;
  ingestor: Ingestor;
  keys: ApiKeyVerifier;
  logger: Logger;
  close(): Promise<void>;
}

/** Opens the store (migrating it), replays acknowledged log segments, and loads keys. */
export async function openWorkspace(config: TesseraConfig, logger: Logger): Promise<Workspace> {
  const store = await openDuckDbStore({ dataDir: config.dataDir, ...config.duckdb });
  const ingestor = new Ingestor(store, config.dataDir, config.ingest, config.workspace, logger.child({ component: 'ingest' }));
  const recovered = await ingestor.recover();
  if (recovered.segments > 0) logger.info(recovered, 'loaded log segments left by a previous process');
  const keys = new ApiKeyVerifier(store);
  await keys.reload();
  return {
    config,
    store,
    ingestor,
    keys,
    logger,
    async close() {
      await ingestor.close();
      await store.close();
    },
  };
}

/** Where a running server announces itself so the CLI can go through it. */
export const serverFile = (dataDir: string): string => join(dataDir, 'server.json');
