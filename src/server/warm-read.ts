import { readProfile } from '../identity/index.js';
import { newestEventSeq } from '../ingest/index.js';
import { sql } from '../store/index.js';
import type { Workspace } from './workspace.js';

/** How long the log must be before a server reads a profile at start (tests lower it). */
export const warmReadSettings = { fromEvents: 1_000_000 };

/** The profile a server read at start, and how long that took. */
export interface WarmRead {
  identifier: string;
  ms: number;
}

/**
 * Reads one customer's profile, as `GET /api/v1/profiles/:id` does, once the server's identity graph is ready. At 1M
 * customers a fresh process's first profile read scans the events' identifier columns from disk (~460 ms against ~150 ms
 * later): a fresh server's first served identify showed in its profile after 879–1,005 ms in three runs, 716–893 ms with
 * this read at start (a second read gained nothing more). A log shorter than `fromEvents` is read fast enough cold.
 */
export async function warmProfileRead(workspace: Workspace): Promise<WarmRead | undefined> {
  const { store, identity } = workspace;
  if ((await newestEventSeq(store)) < warmReadSettings.fromEvents) return undefined;
  const [someone] = await store.query<{ type: string; value: string }>(sql`SELECT type, value FROM customer_map LIMIT 1`);
  if (someone === undefined) return undefined;
  const identifier = `${someone.type}:${someone.value}`;
  const started = performance.now();
  await readProfile(store, identity, identifier);
  return { identifier, ms: Math.round(performance.now() - started) };
}
