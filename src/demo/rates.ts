/** Daily exchange rates to the base currency (USD): a mean-reverting random walk around recent levels. */
import type { Rng } from './random.js';
import { DAY_MS, isoDay } from './time.js';

export interface RateRow {
  date: string;
  currency: 'EUR' | 'GBP';
  /** USD per one unit of the currency. */
  rate_to_base: number;
}

const walks = [
  { currency: 'EUR', level: 1.09, dailyVolatility: 0.0035 },
  { currency: 'GBP', level: 1.27, dailyVolatility: 0.0038 },
] as const;

/** One row per currency for every day in [startMs, endMs), rounded to six decimals as rate feeds publish them. */
export function generateRates(rng: Rng, startMs: number, endMs: number): RateRow[] {
  const rows: RateRow[] = [];
  const current: number[] = walks.map((w) => w.level);
  for (let day = startMs; day < endMs; day += DAY_MS) {
    walks.forEach((walk, i) => {
      const previous = current[i] ?? walk.level;
      // A small pull back to the long-run level keeps two years of drift plausible.
      const next = previous * Math.exp(rng.normal(0, walk.dailyVolatility) + 0.004 * Math.log(walk.level / previous));
      current[i] = next;
      rows.push({ date: isoDay(day), currency: walk.currency, rate_to_base: Math.round(next * 1e6) / 1e6 });
    });
  }
  return rows;
}
