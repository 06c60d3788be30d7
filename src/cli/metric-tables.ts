import type { AnyMetricResult, CatalogEntry, SeriesPoint } from '../metrics/index.js';
import { formatNumber } from '../metrics/index.js';

type Cell = number | null | undefined;

/** Decimals a number shows at most two of: 3 → 0, 2.5 → 1, 2.456 → 2. */
const decimalsOf = (v: number): number => (Math.round(v * 100) % 100 === 0 ? 0 : Math.round(v * 100) % 10 === 0 ? 1 : 2);

/**
 * One column of numbers for people: thousands grouped, and every cell with the same decimals (money two,
 * others as many as the most precise cell needs, at most two), so that 23,642.2 never stands above 23,642.25.
 */
function numberColumn(values: readonly Cell[], unit?: string, sign = false): string[] {
  const digits = unit === 'currency' ? 2 : Math.max(0, ...values.map((v) => (v === null || v === undefined ? 0 : decimalsOf(v))));
  return values.map((v) => {
    if (v === null || v === undefined) return '—';
    const text = v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    return `${sign && v > 0 ? '+' : ''}${text}${unit === 'percent' ? '%' : ''}`;
  });
}

/** Left-aligns the first column and right-aligns the others (numbers), or left-aligns every column of text. */
function table(header: readonly string[], rows: readonly string[][], text = false): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 || text ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** Builds a table column by column: each numeric column is formatted as a whole. */
function columnTable(header: readonly string[], labels: readonly string[], columns: readonly string[][]): string {
  return table(header, labels.map((label, i) => [label, ...columns.map((c) => c[i] ?? '')]));
}

type Point = Pick<SeriesPoint, 'value' | 'numerator' | 'denominator' | 'previous' | 'change'>;

function seriesTable(series: readonly SeriesPoint[], total: Point, unit: string): string {
  const points: Point[] = [...series, total];
  // A currency KPI is money over a count (or money alone), so its numerator is money too.
  const numeratorUnit = unit === 'currency' ? 'currency' : undefined;
  return columnTable(
    ['period', 'value', 'numerator', 'denominator', 'previous', 'change'],
    [...series.map((p) => (p.partial ? `${p.period}*` : p.period)), 'total'],
    [
      numberColumn(points.map((p) => p.value), unit),
      numberColumn(points.map((p) => p.numerator), numeratorUnit),
      numberColumn(points.map((p) => p.denominator)),
      numberColumn(points.map((p) => p.previous), unit),
      numberColumn(points.map((p) => p.change), 'percent', true),
    ],
  );
}

/** A KPI answer as a readable table: one line per period, then the total and its benchmark. */
export function formatMetricText(r: AnyMetricResult): string {
  const title = `${r.label} (${r.metric}, ${r.unit}) by ${r.grain}\n\n`;
  if ('by' in r) {
    const rows = r.total.rows;
    const columns = r.columns.map((c) => numberColumn(rows.map((row) => (typeof row[c.id] === 'number' ? (row[c.id] as number) : null)), c.unit));
    return `${title}${r.total.start ?? '?'} to ${r.total.end ?? '?'}\n${columnTable([r.by, ...r.columns.map((c) => c.label)], rows.map((row) => row.group), columns)}`;
  }
  if ('groups' in r) return title + r.groups.map((g) => `${r.breakdown} ${g.group}\n${seriesTable(g.series, g.total, r.unit)}`).join('\n') + partialNote(r.groups[0]?.series ?? []);
  const b = r.total.benchmark;
  const status = b?.status ? `\n${b.status === 'on_track' ? 'on track' : 'off track'} against ${b.target !== null ? `the target ${formatNumber(b.target, r.unit)}` : `the baseline ${formatNumber(b.baseline?.value, r.unit)}`}\n` : '';
  const dropped = r.total.dropped && r.total.dropped.count > 0 ? `\n${r.total.dropped.count} not counted: ${r.total.dropped.reason}\n` : '';
  return title + seriesTable(r.series, r.total, r.unit) + status + dropped + partialNote(r.series);
}

/** The footnote of a series whose last periods are not over. */
function partialNote(series: readonly SeriesPoint[]): string {
  return series.some((p) => p.partial) ? '\n* not over yet: its value is so far\n' : '';
}

/** The catalog as a readable table. */
export function formatCatalogText(entries: readonly CatalogEntry[]): string {
  return table(
    ['id', 'label', 'unit', 'tag', 'flags'],
    entries.map((e) => [e.id, e.label, e.unit, e.tag, [e.headline ? 'headline' : '', e.custom ? 'custom' : ''].filter(Boolean).join(' ')]),
    true,
  );
}
