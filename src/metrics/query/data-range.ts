import { DateTime } from 'luxon';
import { sql, type Sql, type Store } from '../../store/index.js';
import type { Grain } from '../../store/index.js';
import { addDays, addPeriods, coveringRange, type DayWindow } from './periods.js';

const isoDay = (d: Date | null | undefined): string | null => (d ? d.toISOString().slice(0, 10) : null);

/** The first and last local day of the event facts (refreshed ones), or null when there are none. */
export async function factDays(store: Store): Promise<{ first: string; last: string } | null> {
  const rows = await store.query<{ first_day: Date | null; last_day: Date | null }>(sql`SELECT first_day, last_day FROM fact_state WHERE name = ${'facts'}`);
  const first = isoDay(rows[0]?.first_day);
  const last = isoDay(rows[0]?.last_day);
  return first && last ? { first, last } : null;
}

/** How far back a range chosen for the user reaches from its end. */
const defaultYears = 10;

/** The days a default (a range, an as-of day) is taken from, and the days of data it leaves out. */
export interface DataDays {
  first: string;
  last: string;
  /** The facts' true first day, when it lies before `first`. */
  before?: string;
  /** The facts' true last day, when it lies after `last`. */
  after?: string;
}

const dayOf = async (store: Store, query: Sql): Promise<string | null> =>
  (await store.query<{ d: string | null }>(query))[0]?.d ?? null;

/**
 * The days of data a default is taken from: the facts' span, its last day no later than tomorrow in the reporting
 * zone and its first at most ten years before that. One event dated by a client's unset clock (year 1, or 2099)
 * would otherwise stretch every default to it: a year-1 event made `metrics` print 24,300 empty months in 45 s, and
 * a 2099 page view put RFM and cohorts as of 2099, every customer lapsed. Data wholly in the future (a clock far off
 * everywhere) is what there is, and is taken as it is. A day the user gives is never changed.
 */
export async function dataDays(store: Store, zone: string, now: Date = new Date()): Promise<DataDays | null> {
  const days = await factDays(store);
  if (!days) return null;
  const out: DataDays = { first: days.first, last: days.last };
  const tomorrow = addDays(DateTime.fromJSDate(now, { zone }).toISODate() ?? days.last, 1);
  if (days.last > tomorrow && days.first <= tomorrow) {
    out.last = (await dayOf(store, sql`SELECT CAST(max(local_day) AS VARCHAR) AS d FROM event_facts WHERE local_day <= CAST(${tomorrow} AS DATE)`)) ?? tomorrow;
    out.after = days.last;
  }
  const floor = addPeriods(out.last, 'year', -defaultYears);
  if (days.first < floor) {
    out.first = (await dayOf(store, sql`SELECT CAST(min(local_day) AS VARCHAR) AS d FROM event_facts WHERE local_day >= CAST(${floor} AS DATE)`)) ?? floor;
    out.before = days.first;
  }
  return out;
}

/** A range chosen for the user, and what it leaves out of the data, said in words. */
export interface DefaultRange {
  range: DayWindow;
  note?: string;
}

/** Whole periods covering the days of data a default is taken from (dataDays), or null when there are no facts. */
export async function dataRange(store: Store, grain: Grain, zone: string, now: Date = new Date()): Promise<DefaultRange | null> {
  const days = await dataDays(store, zone, now);
  if (!days) return null;
  const range = coveringRange(days.first, days.last, grain);
  const left = [...(days.before ? [`back to ${days.before}`] : []), ...(days.after ? [`on to ${days.after}`] : [])];
  if (left.length === 0) return { range };
  return { range, note: `the data reaches ${left.join(' and ')}; this range leaves out what lies beyond ${defaultYears} years back or after today (${range.start} to ${range.end}): give --from and --to for another` };
}
