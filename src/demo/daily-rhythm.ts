/** When people are awake and shopping, in their own time zone. */
import type { Rng } from './random.js';
import { DAY_MS, HOUR_MS } from './time.js';

/** Relative traffic by local hour: quiet at night, a lunch bump, the evening peak. */
const hourWeights = [1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 1.5, 2.2, 2.8, 3.2, 3.4, 3.8, 3.6, 3.3, 3.2, 3.3, 3.6, 4.2, 4.8, 5.2, 4.8, 3.6, 2.2].map((w, h) => [h, w] as const);

/** Moves an instant to a plausible waking hour of the same local day. */
export function atWakingHour(rng: Rng, ms: number, utcOffsetHours: number): number {
  const offset = utcOffsetHours * HOUR_MS;
  const day = Math.floor((ms + offset) / DAY_MS) * DAY_MS;
  return day + rng.weighted(hourWeights) * HOUR_MS + Math.floor(rng.next() * HOUR_MS) - offset;
}

/**
 * Moves planned purchase times (after the first) to waking hours, keeping them in order and a few
 * hours apart; drops any that the move pushed to or past `untilMs`.
 */
export function purchasesAtWakingHours(rng: Rng, times: readonly number[], utcOffsetHours: number, untilMs: number): number[] {
  const result: number[] = [];
  for (const [k, t] of times.entries()) {
    const previous = result[result.length - 1];
    const moved = k === 0 || previous === undefined ? t : Math.max(previous + 6 * HOUR_MS, atWakingHour(rng, t, utcOffsetHours));
    if (moved >= untilMs) break;
    result.push(moved);
  }
  return result;
}
