/** Calendar arithmetic on epoch milliseconds (UTC), and the shop's local clock. */
import { TesseraError } from '../contract/index.js';

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The zone the shop's back office writes times in (orders.csv, customers.csv carry no offset). */
export const SHOP_TIME_ZONE = 'America/New_York';

/** Midnight UTC of a `YYYY-MM-DD` day. */
export function parseDay(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(ms) || isoDay(ms) !== text) {
    throw new TesseraError('invalid_argument', `start must be a date such as 2024-01-01, got "${text}"`);
  }
  return ms;
}

export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate());
}

const pad2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
let cachedDay = Number.NaN;
let cachedDayPrefix = '';

/** `toISOString()` output, built from a cached day prefix: a timestamp is formatted for every message. */
export function isoTimestamp(ms: number): string {
  const t = Math.floor(ms);
  const day = Math.floor(t / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let rest = t - day * DAY_MS;
  const hours = Math.floor(rest / HOUR_MS);
  rest -= hours * HOUR_MS;
  const minutes = Math.floor(rest / MINUTE_MS);
  rest -= minutes * MINUTE_MS;
  const seconds = Math.floor(rest / SECOND_MS);
  const millis = rest - seconds * SECOND_MS;
  return `${cachedDayPrefix}${pad2[hours]}:${pad2[minutes]}:${pad2[seconds]}.${String(millis).padStart(3, '0')}Z`;
}

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Day of the month (1-based) of the n-th given weekday (0 = Sunday) of a month. */
export function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
  return 1 + ((weekday - first + 7) % 7) + 7 * (n - 1);
}

/**
 * New York's UTC offset in minutes. The US rule since 2007 (second Sunday of March to the first
 * Sunday of November, switching at 02:00 local) is computed here rather than through Intl, so the
 * output does not depend on the tz database that a given Node build ships.
 */
export function newYorkOffsetMinutes(ms: number): number {
  const year = new Date(ms).getUTCFullYear();
  const dstStart = Date.UTC(year, 2, nthWeekday(year, 2, 0, 2), 7);
  const dstEnd = Date.UTC(year, 10, nthWeekday(year, 10, 0, 1), 6);
  return ms >= dstStart && ms < dstEnd ? -240 : -300;
}

/** `YYYY-MM-DD HH:MM:SS` in the shop's zone, without an offset, as a back-office export writes it. */
export function formatShopTime(ms: number): string {
  const local = new Date(ms + newYorkOffsetMinutes(ms) * MINUTE_MS).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)}`;
}

/**
 * The first day of a shop of `months` whole months that ends where the month of `nowMs` begins:
 * 2026-12-01 (any time that day or later in the month) and 24 give 2024-12-01. A demo of data that
 * stopped a year ago shows every customer lapsed, so `tessera demo` ends its shop at the last complete month.
 */
export function monthsEndingBefore(nowMs: number, months: number): string {
  const now = new Date(nowMs);
  return isoDay(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
}
