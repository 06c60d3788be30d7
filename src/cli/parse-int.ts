import { InvalidArgumentError } from 'commander';

/** Commander argument parser for a non-negative whole number. */
export function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${value} is not a whole number`);
  return n;
}

/** Commander argument parser for a whole number above zero (an interval of 0 would poll in a tight loop; a list of at most 0 rows asks nothing). */
export function parsePositiveCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${value} is not a whole number above 0`);
  return n;
}

/** The most rows one list returns, from the CLI as from the read API, which refuses more the same way. */
export const MAX_LIST_ROWS = 10_000;

/** Commander argument parser for a list's --limit: 1 to MAX_LIST_ROWS, refused above rather than cut without a word. */
export function parseListLimit(value: string): number {
  const n = parsePositiveCount(value);
  if (n > MAX_LIST_ROWS) throw new InvalidArgumentError(`${value} is more than ${MAX_LIST_ROWS}, the most one list returns`);
  return n;
}
