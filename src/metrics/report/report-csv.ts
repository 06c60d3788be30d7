import type { AnyMetricResult, SeriesPoint, TotalPoint } from '../query/metric-result.js';
import type { Report } from './run-report.js';

/** Columns of a report's CSV: one row per metric (and group) and period, then a `total` row. */
export const reportCsvColumns = ['metric', 'label', 'unit', 'group', 'period', 'start', 'end', 'value', 'numerator', 'denominator', 'previous', 'change'] as const;

const cell = (v: string | number | null | undefined): string => {
  const text = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

type Row = Partial<Record<(typeof reportCsvColumns)[number], string | number | null>>;

function seriesRows(head: Row, series: readonly SeriesPoint[], total: TotalPoint): Row[] {
  const point = (p: Omit<SeriesPoint, 'period' | 'start' | 'end'>) => ({ value: p.value, numerator: p.numerator, denominator: p.denominator, previous: p.previous, change: p.change });
  return [...series.map((p) => ({ ...head, period: p.period, start: p.start, end: p.end, ...point(p) })), { ...head, period: 'total', start: total.start, end: total.end, ...point(total) }];
}

/** A result's rows: a table metric gives one row per group and column (`metric.column`), values only. */
function resultRows(r: AnyMetricResult): Row[] {
  const head: Row = { metric: r.metric, label: r.label, unit: r.unit };
  if ('by' in r) {
    const rows: Row[] = [];
    const periods = [...r.series, { period: 'total', start: r.total.start, end: r.total.end, rows: r.total.rows }];
    for (const p of periods) {
      for (const row of p.rows) {
        for (const c of r.columns) {
          const v = row[c.id];
          rows.push({ metric: `${r.metric}.${c.id}`, label: `${r.label}: ${c.label}`, unit: c.unit, group: row.group, period: p.period, start: p.start, end: p.end, value: typeof v === 'number' ? v : null });
        }
      }
    }
    return rows;
  }
  if ('groups' in r) return r.groups.flatMap((g) => seriesRows({ ...head, group: g.group }, g.series, g.total));
  return seriesRows(head, r.series, r.total);
}

/** A report as CSV (RFC 4180 quoting, empty cells for nulls), for spreadsheets. */
export function reportCsv(report: Report): string {
  const lines = [reportCsvColumns.join(',')];
  for (const r of report.metrics) for (const row of resultRows(r)) lines.push(reportCsvColumns.map((c) => cell(row[c])).join(','));
  return lines.join('\n') + '\n';
}
