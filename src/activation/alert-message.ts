import { formatNumber } from '../metrics/index.js';

const comparedWith: Record<string, Record<string, string>> = {
  previous: { day: 'the day before', week: 'the week before', month: 'the month before', quarter: 'the quarter before', year: 'the year before' },
  'last-year': { day: 'the same day last year', week: 'the same week last year', month: 'the same month last year', quarter: 'the same quarter last year', year: 'the year before' },
};

/** The sentence an operator reads: the figure, its change, and the condition that fired. */
export function alertMessage(a: {
  label: string;
  unit: string;
  grain: string;
  compare: string;
  period: string;
  segment: string | null;
  value: number | null;
  previous: number | null;
  change: number | null;
  condition: string;
}): string {
  const who = a.segment ? ` for segment ${a.segment}` : '';
  const against = comparedWith[a.compare]?.[a.grain] ?? 'the comparison period';
  const change =
    a.change === null ? '' : `, ${a.change > 0 ? 'up' : a.change < 0 ? 'down' : 'unchanged'}${a.change === 0 ? '' : ` ${formatNumber(Math.abs(a.change))}%`} on ${against} (${formatNumber(a.previous, a.unit)})`;
  return `${a.label}${who}: ${formatNumber(a.value, a.unit)} in ${a.period}${change}. Alert when ${a.condition}.`;
}
