import { TesseraError } from '../contract/index.js';

const MS_PER_DAY = 86_400_000;

/** Whole days since 1970-01-01 of a `YYYY-MM-DD` date; a user error for anything else. */
export function parseEpochDay(text: string, what: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  // Date.UTC rolls 2024-02-30 over into March; a real date formats back to itself.
  if (!match || formatEpochDay(ms / MS_PER_DAY) !== text) {
    throw new TesseraError('invalid_argument', `${what} must be a date written YYYY-MM-DD, got ${JSON.stringify(text)}`);
  }
  return ms / MS_PER_DAY;
}

/** `YYYY-MM-DD` of a whole number of days since 1970-01-01. */
export function formatEpochDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}
