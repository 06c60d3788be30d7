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
