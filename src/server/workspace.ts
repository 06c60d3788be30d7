import { join } from 'node:path';
import type { Logger } from 'pino';
import type { TesseraConfig } from '../contract/index.js';
import { clearAbandonedImports, Ingestor } from '../ingest/index.js';
import { IdentityService } from '../identity/index.js';
import { ApiKeyVerifier } from '../privacy/index.js';
import { duckDbStoreExists, openDuckDbStore, type Store } from '../store/index.js';
import { Notifier } from './notifier.js';

/** Everything a command or the server works on: one data directory, opened once per process. */
export interface Workspace {
  config: TesseraConfig;
  store: Store;
  ingestor: Ingestor;
  keys: ApiKeyVerifier;
  identity: IdentityService;
  /** Notices (alerts fired) for the live feed of a server holding this workspace. */
  notifier: Notifier;
  logger: Logger;
  close(): Promise<void>;
}

/** Opens the store (migrating it), clears what killed imports left, replays acknowledged log segments, and loads keys. */
export async function openWorkspace(config: TesseraConfig, logger: Logger): Promise<Workspace> {
  const store = await openDuckDbStore({ dataDir: config.dataDir, ...config.duckdb });
  // This process holds the data directory alone now, and has started no import: any left is a killed one's.
  const cleared = await clearAbandonedImports(store, join(config.dataDir, 'tmp'));
  if (cleared.files + cleared.imports > 0) logger.info(cleared, 'cleared what imports stopped halfway left behind');
  const ingestor = new Ingestor(store, config.dataDir, config.ingest, config.workspace, logger.child({ component: 'ingest' }));
  const recovered = await ingestor.recover();
  if (recovered.segments > 0) logger.info(recovered, 'loaded log segments left by a previous process');
  const keys = new ApiKeyVerifier(store);
  await keys.reload();
  const identityLogger = logger.child({ component: 'identity' });
  const identity = new IdentityService(store, config.identity, {
    graphFile: identityGraphFile(config.dataDir),
    phoneRegion: config.workspace.defaultRegion,
    tmpDir: join(config.dataDir, 'tmp'),
    warn: (details, message) => identityLogger.warn(details, message),
  });
  return {
    config,
    store,
    ingestor,
    keys,
    identity,
    notifier: new Notifier(),
    logger,
    async close() {
      await ingestor.close();
      await identity.close();
      await store.close();
    },
  };
}

/** Whether anything was ever stored in a data directory: a command that only reads refuses one that holds nothing. */
export const workspaceExists = (dataDir: string): boolean => duckDbStoreExists(dataDir);

/** Where the identity graph is saved between processes (a cache: deleting it costs one full resolution). */
export const identityGraphFile = (dataDir: string): string => join(dataDir, 'identity-graph.bin');

/** Where a running server announces itself so the CLI can go through it. */
export const serverFile = (dataDir: string): string => join(dataDir, 'server.json');

/** A running follower of the log; `stop` waits for the refresh in progress. */
export interface LogFollower {
  /** Settles once the first refresh (the graph read or resolved, then caught up with the log) has ended, failed or not. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps derived state following the log in a long-running process: after each load, identity
 * resolution catches up (one refresh at a time, at most one waiting, spaced out under load).
 */
export function followLog(ws: Workspace): LogFollower {
  let current: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const refreshUntilCaughtUp = async (): Promise<void> => {
    try {
      for (;;) {
        again = false;
        const started = performance.now();
        // The KPI facts are not refreshed here: every answer refreshes them first (a no-op when
        // nothing changed), so heavy ingestion never waits behind a fact rebuild nobody asked for.
        // Built now even when the stored map is current: a server's first new events then need no full read.
        const result = await ws.identity.refresh({ keepGraph: true });
        const ms = Math.round(performance.now() - started);
        if (result.restored) ws.logger.info({ ...result, ms }, 'identity graph read from its file, then followed the log');
        else if (result.rebuilt) ws.logger.info({ ...result, ms }, 'identity graph resolved from every event');
        else if (result.events > 0) ws.logger.debug({ ...result, ms }, 'identity followed the log');
        if (!again || stopped) break;
        // Loads arrived meanwhile: under sustained ingestion, rest as long as the refresh took (up
        // to a second) so that the loader, which shares the writer and the cores, keeps up; each
        // refresh then takes more events at once.
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, performance.now() - started)));
      }
    } catch (err) {
      if (!stopped) ws.logger.error({ err }, 'identity refresh failed');
    } finally {
      current = undefined;
    }
  };
  const refresh = (): void => {
    if (stopped) return;
    if (current) {
      again = true;
      return;
    }
    current = refreshUntilCaughtUp();
  };
  ws.ingestor.onLoaded(refresh);
  refresh();
  const ready = current ?? Promise.resolve();
  return {
    ready,
    async stop() {
      stopped = true;
      await current;
    },
  };
}
