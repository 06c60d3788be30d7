import { TesseraError } from '../contract/index.js';
import { sql, type StoreTx } from '../store/index.js';

const rateColumns = ['date', 'currency', 'rate_to_base'] as const;
const expected = rateColumns.join(',');

/** A header cell as a column name: case and spaces do not matter (` Rate To Base ` is rate_to_base). */
function headerName(cell: string): string {
  return cell.trim().toLowerCase().replace(/\s+/g, '_');
}

/** Where each column sits in the header (1-based, as SQL lists count), or what is wrong with it. */
function locateRateColumns(cells: readonly string[]): { ok: true; at: Record<(typeof rateColumns)[number], number> } | { ok: false } {
  const names = cells.map(headerName);
  const at = { date: names.indexOf('date') + 1, currency: names.indexOf('currency') + 1, rate_to_base: names.indexOf('rate_to_base') + 1 };
  const ok = names.length === rateColumns.length && new Set(names).size === names.length && Object.values(at).every((i) => i > 0);
  return ok ? { ok: true, at } : { ok: false };
}

const quoted = (text: string | null): string => JSON.stringify((text ?? '').slice(0, 80));

interface BadRow {
  line: number;
  text: string;
  n_fields: number;
  date_text: string | null;
  currency: string | null;
  rate_text: string | null;
  date_ok: boolean;
  currency_ok: boolean;
  rate_ok: boolean;
}

/** The message of a rate line that cannot be read (the first problem of the line, in column order). */
function badRowMessage(path: string, r: BadRow): string {
  const at = `${path}:${r.line}`;
  if (Number(r.n_fields) !== rateColumns.length) return `${at}: ${r.n_fields} fields where the header has ${rateColumns.length} (${expected}): ${quoted(r.text)}`;
  if (!r.date_ok) return `${at}: column date is not a date in the format YYYY-MM-DD (${quoted(r.date_text)})`;
  if (!r.currency_ok) return `${at}: column currency is not a three-letter currency code (${quoted(r.currency)})`;
  return `${at}: column rate_to_base is not a positive number (${quoted(r.rate_text)})`;
}

/**
 * Reads a rates CSV into the temp table `rate_rows` (line, date, currency, rate_to_base; one row per
 * date and currency) in the caller's transaction, or throws a user error naming the file, the line
 * and what is wrong with it: a half-loaded rates table would convert some days and not others.
 *
 * The file is split into lines and fields here rather than by DuckDB's CSV reader: its sniffer fails
 * on a line with an extra field without saying which, and with `header = true` it takes the first
 * rate of a file with no header line for the header. A field may be wrapped in `"` but may not hold a comma.
 */
export async function readRatesFile(tx: StoreTx, path: string): Promise<number> {
  try {
    // A BOM before the header and a CR before each LF are what spreadsheets write; blank lines say nothing.
    await tx.run(sql`CREATE OR REPLACE TEMP TABLE rate_lines AS
      SELECT line, text, list_transform(string_split(text, ','), lambda f: trim(f, ' "' || chr(9))) AS fields
      FROM (
        SELECT line, rtrim(line_text, chr(13)) AS text FROM (
          SELECT unnest(parts) AS line_text, unnest(range(1, len(parts) + 1)) AS line
          FROM (SELECT string_split(ltrim(content, chr(65279)), chr(10)) AS parts FROM read_text(${path}))))
      WHERE trim(text, ' ' || chr(9)) <> ''`);
  } catch (err) {
    throw new TesseraError('import_failed', `${path}: cannot be read as a rates CSV (${expected}): ${(err as Error).message.split('\n')[0]}`);
  }
  const [header] = await tx.query<{ line: number; text: string; fields: string[] }>(sql`SELECT line, text, fields FROM rate_lines ORDER BY line LIMIT 1`);
  if (!header) throw new TesseraError('import_failed', `${path}: the file is empty; expected a header line ${expected}, then one rate a line`);
  const columns = locateRateColumns(header.fields);
  if (!columns.ok) {
    throw new TesseraError('import_failed', `${path}:${header.line}: the header is ${quoted(header.text)}; expected the column names ${expected} (in any order) on the first line`);
  }

  const { at } = columns;
  await tx.run(sql`CREATE OR REPLACE TEMP TABLE rate_rows AS
    SELECT line, text, len(fields) AS n_fields, fields[${at.date}] AS date_text, upper(fields[${at.currency}]) AS currency, fields[${at.rate_to_base}] AS rate_text,
      CASE WHEN regexp_full_match(fields[${at.date}], '\\d{4}-\\d{2}-\\d{2}') THEN try_cast(fields[${at.date}] AS DATE) END AS date,
      try_cast(fields[${at.rate_to_base}] AS DOUBLE) AS rate_to_base
    FROM rate_lines WHERE line > ${header.line}`);
  await tx.run(sql`DROP TABLE rate_lines`);

  const [bad] = await tx.query<BadRow>(sql`
    SELECT * FROM (
      SELECT line, text, n_fields, date_text, currency, rate_text, date IS NOT NULL AS date_ok,
        coalesce(regexp_full_match(currency, '[A-Z]{3}'), false) AS currency_ok,
        coalesce(isfinite(rate_to_base) AND rate_to_base > 0, false) AS rate_ok
      FROM rate_rows)
    WHERE n_fields <> ${rateColumns.length} OR NOT date_ok OR NOT currency_ok OR NOT rate_ok
    ORDER BY line LIMIT 1`);
  if (bad) throw new TesseraError('import_failed', `${badRowMessage(path, bad)}; nothing was imported`);

  // The same rate twice is harmless (files get concatenated); two different ones leave no way to choose.
  const [conflict] = await tx.query<{ line: number; first_line: number; currency: string; date_text: string; rate_text: string; first_rate: string }>(sql`
    SELECT line, first_line, currency, date_text, rate_text, first_rate FROM (
      SELECT *, first_value(line) OVER w AS first_line, first_value(rate_text) OVER w AS first_rate, first_value(rate_to_base) OVER w AS first_rate_to_base
      FROM rate_rows WINDOW w AS (PARTITION BY date, currency ORDER BY line))
    WHERE rate_to_base <> first_rate_to_base
    ORDER BY line LIMIT 1`);
  if (conflict) {
    throw new TesseraError(
      'import_failed',
      `${path}:${conflict.first_line} and ${path}:${conflict.line} give ${conflict.currency} on ${conflict.date_text} two rates (${conflict.first_rate} and ${conflict.rate_text}); keep one; nothing was imported`,
    );
  }
  await tx.run(sql`CREATE OR REPLACE TEMP TABLE rate_rows AS
    SELECT min(line) AS line, date, currency, any_value(rate_to_base) AS rate_to_base FROM rate_rows GROUP BY date, currency`);
  const [n] = await tx.query<{ n: number }>(sql`SELECT count(*) AS n FROM rate_rows`);
  return Number(n?.n ?? 0);
}
