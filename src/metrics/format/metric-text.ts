import type { CatalogEntry } from '../service/open-metrics.js';
import type { AnyMetricResult, SeriesPoint } from '../query/metric-result.js';

/** A number for people: thousands grouped, at most two decimals (money always two: 38,379.60); null is a dash. */
export function formatNumber(v: number | null | undefined, unit?: string): string {
  if (v === null || v === undefined) return '—';
  const text = v.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: unit === 'currency' ? 2 : 0 });
  return unit === 'percent' ? `${text}%` : text;
}

const change = (v: number | null): string => (v === null ? '—' : `${v > 0 ? '+' : ''}${formatNumber(v)}%`);

/** Left-aligns the first column and right-aligns the others (numbers), or left-aligns every column of text. */
function table(header: readonly string[], rows: readonly string[][], text = false): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 || text ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

function seriesTable(series: readonly SeriesPoint[], total: Omit<SeriesPoint, 'period' | 'start' | 'end'>, unit: string): string {
  const row = (label: string, p: Omit<SeriesPoint, 'period' | 'start' | 'end'>) => [
    label,
    formatNumber(p.value, unit),
    formatNumber(p.numerator),
    formatNumber(p.denominator),
    formatNumber(p.previous, unit),
    change(p.change),
  ];
  return table(['period', 'value', 'numerator', 'denominator', 'previous', 'change'], [...series.map((p) => row(p.period, p)), row('total', total)]);
}

/** A KPI answer as a readable table: one line per period, then the total and its benchmark. */
export function formatMetricText(r: AnyMetricResult): string {
  const title = `${r.label} (${r.metric}, ${r.unit}) by ${r.grain}\n\n`;
  if ('by' in r) {
    const header = [r.by, ...r.columns.map((c) => c.label)];
    const rows = r.total.rows.map((row) => [row.group, ...r.columns.map((c) => formatNumber(typeof row[c.id] === 'number' ? (row[c.id] as number) : null, c.unit))]);
    return `${title}${r.total.start ?? '?'} to ${r.total.end ?? '?'}\n${table(header, rows)}`;
  }
  if ('groups' in r) return title + r.groups.map((g) => `${r.breakdown} ${g.group}\n${seriesTable(g.series, g.total, r.unit)}`).join('\n');
  const b = r.total.benchmark;
  const status = b?.status ? `\n${b.status === 'on_track' ? 'on track' : 'off track'} against ${b.target !== null ? `the target ${formatNumber(b.target, r.unit)}` : `the baseline ${formatNumber(b.baseline?.value, r.unit)}`}\n` : '';
  const dropped = r.total.dropped && r.total.dropped.count > 0 ? `\n${r.total.dropped.count} not counted: ${r.total.dropped.reason}\n` : '';
  return title + seriesTable(r.series, r.total, r.unit) + status + dropped;
}

/** The catalog as a readable table. */
export function formatCatalogText(entries: readonly CatalogEntry[]): string {
  return table(
    ['id', 'label', 'unit', 'tag', ''],
    entries.map((e) => [e.id, e.label, e.unit, e.tag, [e.headline ? 'headline' : '', e.custom ? 'custom' : ''].filter(Boolean).join(' ')]),
    true,
  );
}
