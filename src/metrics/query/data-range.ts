import { sql, type Store } from '../../store/index.js';
import type { Grain } from '../../store/index.js';
import { coveringRange, type DayWindow } from './periods.js';

const isoDay = (d: Date | null | undefined): string | null => (d ? d.toISOString().slice(0, 10) : null);

/** The first and last local day of the event facts (refreshed ones), or null when there are none. */
export async function factDays(store: Store): Promise<{ first: string; last: string } | null> {
  const rows = await store.query<{ first_day: Date | null; last_day: Date | null }>(sql`SELECT first_day, last_day FROM fact_state WHERE name = ${'facts'}`);
  const first = isoDay(rows[0]?.first_day);
  const last = isoDay(rows[0]?.last_day);
  return first && last ? { first, last } : null;
}

/** Whole periods covering the local days the event facts span, or null when there are no facts. */
export async function dataRange(store: Store, grain: Grain): Promise<DayWindow | null> {
  const days = await factDays(store);
  return days ? coveringRange(days.first, days.last, grain) : null;
}
