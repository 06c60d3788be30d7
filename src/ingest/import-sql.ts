import { join, raw, sql, type Sql } from '../store/index.js';

/**
 * Small SQL builders shared by the file formats. Messages are assembled as JSON text inside
 * DuckDB, so a million rows never pass through JavaScript: keys are ours (or bound parameters when
 * a mapping names them) and every value goes through to_json, which escapes it.
 */

/** A cell as trimmed text, NULL when empty. */
export function cellText(value: Sql): Sql {
  return sql`nullif(trim(CAST(${value} AS VARCHAR)), '')`;
}

/**
 * Numbers as spreadsheets write them, beyond what a cast reads. Only forms that cannot mean anything
 * else are read: `1,234` may be a thousand or one and a bit, so grouped digits need their fraction.
 * With a decimal point: `1,234.50`. With a decimal comma: `12,50`, `1.234,50`, `1 234,50` (a space,
 * or the no-break spaces French Excel groups with). Plain numbers (`12.50` in a `;` file too) are cast, but
 * not `1.234` there: with a decimal comma it may be a thousand, as `1,234` may be with a decimal point.
 */
const groupedNumber = {
  '.': '[+-]?[1-9][0-9]{0,2}(,[0-9]{3})+[.][0-9]+',
  ',': '[+-]?((0|[1-9][0-9]*)(,[0-9]+)?|[1-9][0-9]{0,2}([ \u00a0\u202f][0-9]{3})+(,[0-9]+)?|[1-9][0-9]{0,2}([.][0-9]{3})+,[0-9]+)',
} as const;

/** Digits grouped by points with no fraction: a thousand and 234, or one and a bit. */
const ambiguousPoint = '[+-]?[1-9][0-9]{0,2}([.][0-9]{3})+';

/** A currency sign before or after an amount, as a cell formatted as currency is saved (`$30.00`, `-$5.00`, `12,50 €`). */
const currencySign = '[$\u20ac\u00a3\u00a5]';

/**
 * Text as a number, NULL when it is not a finite one ('nan' and 'inf' parse, but are not amounts).
 * `decimal` is the file's decimal separator; a currency sign and the grouping of groupedNumber are read.
 */
export function asNumber(text: Sql, decimal: '.' | ',' = '.'): Sql {
  const bare = sql`regexp_replace(regexp_replace(${text}, ${raw(String.raw`'^([+-]?) *${currencySign} *'`)}, ${raw(String.raw`'\1'`)}), ${raw(String.raw`' *${currencySign}$'`)}, '')`;
  const plain =
    decimal === '.'
      ? sql`CASE WHEN regexp_full_match(${bare}, ${raw(`'${groupedNumber['.']}'`)}) THEN replace(${bare}, ',', '') ELSE ${bare} END`
      : sql`CASE WHEN regexp_full_match(${bare}, ${raw(`'${groupedNumber[',']}'`)}) THEN replace(regexp_replace(${bare}, '[. \u00a0\u202f]', '', 'g'), ',', '.') ELSE ${bare} END`;
  // The plain cast first: DuckDB's coalesce evaluates the next argument only on the rows still NULL, so the regular
  // expressions cost only the cells a cast cannot read (a bulk import's amounts are plain numbers).
  const d = sql`coalesce(try_cast(${text} AS DOUBLE), try_cast(${plain} AS DOUBLE))`;
  if (decimal === ',') {
    // Where the comma is the decimal separator, `1.234` is a thousand and 234 grouped as a formatted cell saves it, or a
    // tool's 1.234: like `1,234` in a file of decimal points, neither reading is safe, so it is no number. `contains`
    // first keeps the expression off the cells without a point, which in such a file are nearly all of them.
    const ambiguous = sql`contains(${text}, '.') AND regexp_full_match(${bare}, ${raw(`'${ambiguousPoint}'`)})`;
    return sql`CASE WHEN ${ambiguous} THEN NULL WHEN isfinite(${d}) THEN ${d} END`;
  }
  return sql`CASE WHEN isfinite(${d}) THEN ${d} END`;
}

/** A JSON string of a text value (NULL stays NULL). */
export function jsonString(value: Sql): Sql {
  return sql`to_json(CAST(${value} AS VARCHAR))`;
}

/** A JSON number (NULL stays NULL); whole numbers without a fraction (`2`, not `2.0`). */
export function jsonNumber(value: Sql): Sql {
  const x = sql`CAST(${value} AS DOUBLE)`;
  return sql`CASE WHEN ${x} = trunc(${x}) AND abs(${x}) < 1e15 THEN CAST(CAST(${x} AS BIGINT) AS VARCHAR) ELSE CAST(${x} AS VARCHAR) END`;
}

export interface JsonEntry {
  /** Our own key (code constant) or, for keys a user wrote, a bound parameter. */
  key: string;
  userKey?: boolean;
  /** JSON text of the value; NULL omits the entry. */
  value: Sql;
}

const ourKey = (key: string): Sql => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`jsonObject: ${key} is not a plain key; pass it as userKey`);
  return raw(`'"${key}":'`);
};

/** A JSON object as text; entries whose value is NULL are left out (concat_ws skips NULLs). */
export function jsonObject(entries: readonly JsonEntry[]): Sql {
  if (entries.length === 0) return raw(`'{}'`);
  const parts = entries.map((e) => (e.userKey ? sql`(to_json(${e.key}::VARCHAR) || ':' || ${e.value})` : sql`(${ourKey(e.key)} || ${e.value})`));
  return sql`('{' || concat_ws(',', ${join(parts)}) || '}')`;
}

/** An instant (TIMESTAMPTZ) as ISO-8601 UTC text with milliseconds, like Date.toISOString. */
export function isoUtc(instant: Sql): Sql {
  // Through the epoch: strftime on a TIMESTAMPTZ converts zones per row through ICU, which costs more than the rest.
  return sql`strftime(make_timestamp(epoch_us(${instant})), '%Y-%m-%dT%H:%M:%S.%gZ')`;
}

const offsetPattern = String.raw`[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([Zz]|UTC|GMT|[+-]\d{2}(:?\d{2})?)$`;

/**
 * Parses time text to an instant. Text with an offset (`Z`, `+01:00`, Shopify's `-0500`) keeps it;
 * text without one is local time in `zone` (IANA, DST-correct through ICU: a time in the
 * spring-forward gap moves forward an hour, the repeated fall-back hour reads as standard time,
 * as Luxon does on the HTTP path). With `format` (strptime), the format decides.
 */
export function parseTime(text: Sql, zone: string, format?: string): Sql {
  const local = (naive: Sql) => (isUtc(zone) ? sql`CAST(${naive} AS TIMESTAMPTZ)` : sql`timezone(${zone}, ${naive})`);
  if (format !== undefined) {
    if (/%[zZ]/.test(format)) return sql`CAST(try_strptime(${text}, ${format}) AS TIMESTAMPTZ)`;
    return local(sql`CAST(try_strptime(${text}, ${format}) AS TIMESTAMP)`);
  }
  // `Z`, `z`, ` UTC` and ` GMT` (BigQuery's and many databases' text form) are +00:00: DuckDB's TIMESTAMP cast
  // would drop a trailing UTC and read the time in `zone`, and refuses a lower-case z.
  const utc = sql`regexp_replace(${text}, ${raw(String.raw`'\s*([Zz]|UTC|GMT)$'`)}, '+00:00')`;
  return sql`CASE WHEN regexp_matches(${text}, ${raw(`'${offsetPattern}'`)})
    THEN try_cast(regexp_replace(${utc}, ${raw(String.raw`'\s*([+-]\d{2}):?(\d{2})$'`)}, ${raw(String.raw`'\1:\2'`)}) AS TIMESTAMPTZ)
    ELSE ${local(sql`try_cast(${text} AS TIMESTAMP)`)} END`;
}

export function isUtc(zone: string): boolean {
  return zone === 'UTC' || zone === 'Etc/UTC' || zone === 'Etc/GMT' || zone === 'GMT';
}

/** Emails match case- and space-insensitively (the SQL twin of normalizeEmail). */
export function normalizedEmail(text: Sql): Sql {
  return sql`nullif(lower(trim(${text})), '')`;
}
