import { sql, type StoreTx } from '../../store/index.js';

/** Where the facts stand: the last event folded in, the identity map and zone they were built with. */
export interface FactState {
  lastSeq: number;
  eventsFolded: number;
  mapFingerprint: string;
  timezone: string;
  firstDay: string | null;
  lastDay: string | null;
  refreshedAt: Date;
}

interface StateRow {
  last_seq: number;
  events_folded: number;
  map_fingerprint: string;
  timezone: string;
  first_day: Date | null;
  last_day: Date | null;
  refreshed_at: Date;
}

const isoDay = (d: Date | null): string | null => (d ? d.toISOString().slice(0, 10) : null);

/** The state of the facts, or undefined before the first refresh. */
export async function readFactState(tx: Pick<StoreTx, 'query'>): Promise<FactState | undefined> {
  const rows = await tx.query<StateRow>(sql`SELECT last_seq, events_folded, map_fingerprint, timezone, first_day, last_day, refreshed_at FROM fact_state WHERE name = ${'facts'}`);
  const r = rows[0];
  if (!r) return undefined;
  return { lastSeq: Number(r.last_seq), eventsFolded: Number(r.events_folded), mapFingerprint: r.map_fingerprint, timezone: r.timezone, firstDay: isoDay(r.first_day), lastDay: isoDay(r.last_day), refreshedAt: r.refreshed_at };
}

/** Records the state after a refresh, with the local days the event facts now span. */
export async function writeFactState(tx: StoreTx, state: { lastSeq: number; eventsFolded: number; mapFingerprint: string; timezone: string }): Promise<void> {
  await tx.run(sql`DELETE FROM fact_state WHERE name = ${'facts'}`);
  await tx.run(sql`INSERT INTO fact_state (name, last_seq, events_folded, map_fingerprint, timezone, first_day, last_day, refreshed_at)
    SELECT ${'facts'}, ${state.lastSeq}, ${state.eventsFolded}, ${state.mapFingerprint}, ${state.timezone}, min(local_day), max(local_day), ${new Date()} FROM event_facts`);
}

/**
 * Forgets where the facts stand, so the next refresh rebuilds them all from the log: for a change to
 * events already folded in (their money converted again), which an incremental refresh, reading only
 * newer events, would never see. Migrations that change how facts are derived do the same.
 */
export async function discardFactState(tx: Pick<StoreTx, 'run'>): Promise<void> {
  await tx.run(sql`DELETE FROM fact_state WHERE name = ${'facts'}`);
}
