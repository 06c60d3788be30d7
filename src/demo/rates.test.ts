import { describe, expect, it } from 'vitest';
import { generateRates } from './rates.js';
import { createRng } from './random.js';

describe('exchange rates', () => {
  const rows = generateRates(createRng(3, 'rates'), Date.UTC(2024, 0, 1), Date.UTC(2026, 0, 1));

  it('gives EUR and GBP a rate for every day of the range', () => {
    expect(rows).toHaveLength(731 * 2);
    expect(rows[0]).toMatchObject({ date: '2024-01-01', currency: 'EUR' });
    expect(rows[1]).toMatchObject({ date: '2024-01-01', currency: 'GBP' });
    expect(rows[rows.length - 1]).toMatchObject({ date: '2025-12-31', currency: 'GBP' });
  });

  it('walks around plausible levels without jumps', () => {
    for (const currency of ['EUR', 'GBP'] as const) {
      const series = rows.filter((r) => r.currency === currency).map((r) => r.rate_to_base);
      expect(Math.min(...series)).toBeGreaterThan(currency === 'EUR' ? 0.9 : 1.05);
      expect(Math.max(...series)).toBeLessThan(currency === 'EUR' ? 1.3 : 1.5);
      for (let i = 1; i < series.length; i++) expect(Math.abs((series[i] ?? 0) / (series[i - 1] ?? 1) - 1)).toBeLessThan(0.03);
    }
  });
});
