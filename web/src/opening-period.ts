// The period the overview opens on, from the span of the data (pure, so it is tested without a browser).

/** Months from one first-of-month day to another (`YYYY-MM-DD`). */
function monthsBetween(start: string, end: string): number {
  const [sy = 0, sm = 0] = start.split('-').map(Number);
  const [ey = 0, em = 0] = end.split('-').map(Number);
  return (ey - sy) * 12 + (em - sm);
}

/** The first day of the month `n` months before `day` (`YYYY-MM-01`). */
function monthsBefore(day: string, n: number): string {
  const [y = 0, m = 0] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 - n, 1)).toISOString().slice(0, 10);
}

/**
 * The latest 12 complete months of data against the 12 before (6, 3 or 1 when the data is shorter), or
 * null when the data spans too little for any. `span` is the data's months, `[start, end)` with both
 * first days of a month; `today` is the reporting zone's day. The month in progress is left out: set
 * against a whole month a year earlier it would read as a fall.
 */
export function openingPeriod(span: { start: string; end: string }, today: string): { from: string; to: string } | null {
  const thisMonth = `${today.slice(0, 7)}-01`;
  const end = span.end > thisMonth ? thisMonth : span.end;
  const months = monthsBetween(span.start, end);
  const n = [12, 6, 3, 1].find((k) => months >= 2 * k);
  return n === undefined ? null : { from: monthsBefore(end, n), to: end };
}

/** Today in an IANA zone, `YYYY-MM-DD`. */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
