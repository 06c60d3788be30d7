import { InvalidArgumentError } from 'commander';

/** Commander argument parser for a non-negative whole number. */
export function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${value} is not a whole number`);
  return n;
}
