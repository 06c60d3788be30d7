/** A number for people: thousands grouped, at most two decimals (money always two: 38,379.60); null is a dash. */
export function formatNumber(v: number | null | undefined, unit?: string): string {
  if (v === null || v === undefined) return '—';
  const text = v.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: unit === 'currency' ? 2 : 0 });
  return unit === 'percent' ? `${text}%` : text;
}

