import type { z } from 'zod';
import { TesseraError } from '../../contract/index.js';

/**
 * Parses a request's query, params or body with its route's schema; the first problem becomes one
 * `invalid_argument` error naming the parameter (or the unknown ones), in the product's error shape.
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what = 'query parameter'): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = issue?.path.join('.') || (issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : '');
  throw new TesseraError('invalid_argument', `${what} ${name}: ${issue?.message ?? 'invalid'}`);
}
