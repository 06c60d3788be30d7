import { TesseraError } from '../contract/index.js';

/** A `YYYY-MM-DD` option's value, checked to be a real day of the calendar. */
export function requireDay(flag: string, text: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new TesseraError('invalid_argument', `${flag} must be a day such as 2024-01-01, not "${text}"`);
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) throw new TesseraError('invalid_argument', `${flag} ${text}: there is no such day`);
  return text;
}
